namespace Kiln;

/// <summary>Options of a compiled network, fixed when it is constructed.</summary>
public sealed record ActivationOptions
{
    /// <summary>Hardware that computes the activations. Default: <see cref="ExecutionEnvironment.Auto"/>.</summary>
    public ExecutionEnvironment ExecutionEnvironment { get; init; } = ExecutionEnvironment.Auto;

    /// <summary>
    /// Observations processed together; the observations of one mini-batch run in parallel across cores.
    /// Any number of observations works, including a last, smaller mini-batch. Default: 128.
    /// </summary>
    public int MiniBatchSize { get; init; } = 128;

    /// <summary>Largest number of observations computed at the same time. Default: the processor count.</summary>
    public int MaxDegreeOfParallelism { get; init; } = Environment.ProcessorCount;

    /// <summary>Receives the number of observations done after each mini-batch, for long runs.</summary>
    public IProgress<ActivationProgress>? Progress { get; init; }
}

/// <summary>Progress of one <c>Activations</c> call.</summary>
/// <param name="Completed">Observations whose activations are computed.</param>
/// <param name="Total">Observations in the call.</param>
public readonly record struct ActivationProgress(int Completed, int Total);
