namespace Kiln.Gpu;

/// <summary>
/// The GPU half of a generated network: its kernels in launch order, the device arena and the weights that the
/// kernels read. Generated code derives one class per network; <see cref="GpuRunner"/> runs it.
/// </summary>
/// <remarks>
/// Every kernel takes three views: the arenas of all observations of a launch, one after another, each
/// <see cref="ArenaLength"/> floats with every tensor at the offset the generator planned; the weights, packed as
/// <see cref="CopyWeights"/> writes them; and the inputs, <see cref="NetworkDefinition.InputLength"/> floats per
/// observation. The grid's Y index is the observation.
/// </remarks>
public abstract class GpuProgram
{
    /// <summary>Threads per group of every generated kernel; the tiled kernels assume it.</summary>
    public const int GroupSize = TiledGemm.GroupSize;

    /// <summary>Thread groups that give every thread one of <paramref name="elements"/> elements.</summary>
    public static int GroupsFor(int elements) => Math.Max(1, (int)(((long)elements + GroupSize - 1) / GroupSize));

    /// <summary>Describes the program; called by the generated constructor.</summary>
    /// <param name="definition">The network's definition, for its input length and layer table.</param>
    /// <param name="arenaLength">Floats of device arena per observation.</param>
    /// <param name="weightLength">Floats of weights on the device.</param>
    /// <param name="steps">The launches of each compute step, in step order.</param>
    protected GpuProgram(NetworkDefinition definition, int arenaLength, int weightLength, GpuLaunch[][] steps)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(steps);
        ArgumentOutOfRangeException.ThrowIfNegative(arenaLength);
        ArgumentOutOfRangeException.ThrowIfNegative(weightLength);
        Definition = definition;
        ArenaLength = arenaLength;
        WeightLength = weightLength;
        Steps = steps;
    }

    /// <summary>The network's definition.</summary>
    public NetworkDefinition Definition { get; }

    /// <summary>Floats of device arena per observation.</summary>
    public int ArenaLength { get; }

    /// <summary>Floats of weights on the device.</summary>
    public int WeightLength { get; }

    /// <summary>The launches of each compute step, in step order.</summary>
    public IReadOnlyList<GpuLaunch[]> Steps { get; }

    /// <summary>Writes the weights the kernels read, <see cref="WeightLength"/> floats, at the offsets the kernels use.</summary>
    public abstract void CopyWeights(Span<float> weights);
}
