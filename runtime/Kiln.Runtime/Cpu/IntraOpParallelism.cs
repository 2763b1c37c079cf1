namespace Kiln.Cpu;

/// <summary>
/// The number of threads that the large kernels called on this thread may split one layer across (intra-op
/// parallelism). <see cref="CompiledNetwork"/> sets it around each observation. Kernels called outside such a scope,
/// such as a direct call of <see cref="Convolution.Conv2D"/>, run on the calling thread alone.
/// </summary>
internal static class IntraOpParallelism
{
    [ThreadStatic]
    private static int t_degree;

    /// <summary>Threads a kernel called on this thread may use, the calling thread included; at least 1.</summary>
    internal static int CurrentDegree => Math.Max(1, t_degree);

    /// <summary>
    /// Returns the threads each observation may use inside its layers when <paramref name="concurrentObservations"/>
    /// observations run at the same time: the cores left per observation, so that the two kinds of parallelism
    /// together use at most <paramref name="maxDegreeOfParallelism"/> threads and no more than the processor count.
    /// </summary>
    internal static int DegreePerObservation(int maxDegreeOfParallelism, int concurrentObservations)
    {
        int threads = Math.Min(maxDegreeOfParallelism, Environment.ProcessorCount);
        return Math.Max(1, threads / Math.Max(1, concurrentObservations));
    }

    /// <summary>Sets <see cref="CurrentDegree"/> on this thread until the returned scope is disposed.</summary>
    internal static Scope Enter(int degree)
    {
        int previous = t_degree;
        t_degree = Math.Max(1, degree);
        return new Scope(previous);
    }

    /// <summary>Restores the degree that was set before <see cref="Enter"/>.</summary>
    internal readonly struct Scope : IDisposable
    {
        private readonly int _previous;

        internal Scope(int previous) => _previous = previous;

        public void Dispose() => t_degree = _previous;
    }
}
