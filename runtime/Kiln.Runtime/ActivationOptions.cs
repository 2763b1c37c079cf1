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

    /// <summary>
    /// Largest number of threads that compute at the same time, and so of observations computed at the same time.
    /// When a call has fewer observations than this, each observation splits its large layers (convolutions, matrix
    /// products, batch normalization, element-wise operations) across the threads left over, up to the processor
    /// count. Results do not depend on the split.
    /// 1 computes everything on one thread. Default: the processor count.
    /// </summary>
    public int MaxDegreeOfParallelism { get; init; } = Environment.ProcessorCount;

    /// <summary>
    /// For tests of the GPU backend only: runs the generated GPU kernels on ILGPU's CPU accelerator, which emulates a
    /// GPU on the CPU and is much slower than both a GPU and the generated CPU code. It applies when
    /// <see cref="ExecutionEnvironment"/> is <see cref="Kiln.ExecutionEnvironment.Gpu"/> and the network has GPU kernels.
    /// Default: false.
    /// </summary>
    [System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Advanced)]
    public bool RunGpuKernelsOnCpuForTesting { get; init; }

    /// <summary>Receives the number of observations done after each mini-batch, for long runs.</summary>
    public IProgress<ActivationProgress>? Progress { get; init; }
}

/// <summary>Progress of one <c>Activations</c> call.</summary>
/// <param name="Completed">Observations whose activations are computed.</param>
/// <param name="Total">Observations in the call.</param>
public readonly record struct ActivationProgress(int Completed, int Total);
