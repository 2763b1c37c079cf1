using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;

namespace Kiln.Gpu;

/// <summary>
/// Runs a generated <see cref="GpuProgram"/> on an ILGPU accelerator: uploads the weights once, keeps the
/// activation arenas of a mini-batch in one device buffer, launches the steps up to the requested layer in order,
/// and copies back only that layer. Kernels are compiled on their first launch and reused.
/// </summary>
public sealed class GpuRunner : DeviceRunner
{
    private readonly GpuProgram _program;
    private readonly Context _context;
    private readonly Accelerator _accelerator;
    private readonly MemoryBuffer1D<float, Stride1D.Dense> _weights;
    private readonly Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>>?[][] _kernels;
    private readonly int _maxGroups;

    // One Compute at a time: the arena and input buffers are shared by all callers.
    private readonly Lock _lock = new();
    private MemoryBuffer1D<float, Stride1D.Dense>? _arenas;
    private MemoryBuffer1D<float, Stride1D.Dense>? _inputs;
    private MemoryBuffer1D<float, Stride1D.Dense>? _packed;
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, LayerSlice>? _gather;
    private int _capacity;
    private bool _disposed;

    private GpuRunner(GpuProgram program, Context context, Accelerator accelerator)
    {
        _program = program;
        _context = context;
        _accelerator = accelerator;
        _kernels = program.Steps.Select(step => new Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>>?[step.Length]).ToArray();

        // A CPU accelerator pays for every thread of every group it starts, so it gets one group per core. The
        // kernels loop over the rest of their work.
        _maxGroups = accelerator is CPUAccelerator ? accelerator.NumMultiprocessors : int.MaxValue;
        MaxObservationsPerLaunch = Math.Max(1, accelerator.MaxGridSize.Y);

        float[] weights = GC.AllocateUninitializedArray<float>(Math.Max(program.WeightLength, 1));
        program.CopyWeights(weights.AsSpan(0, program.WeightLength));
        _weights = accelerator.Allocate1D(weights);
    }

    /// <summary>
    /// The maximum number of observations one launch computes. Each observation is one row of the grid, and CUDA grids have at most
    /// 65,535 rows, so a larger mini-batch runs in parts. Tests lower it to check the parts.
    /// </summary>
    internal int MaxObservationsPerLaunch { get; set; }

    /// <inheritdoc/>
    public override string DeviceName => $"{_accelerator.AcceleratorType}: {_accelerator.Name}";

    /// <summary>
    /// Creates the runner for <paramref name="program"/> on the accelerator <paramref name="options"/> select, or
    /// returns null when Auto finds no CUDA device. Called by generated code.
    /// </summary>
    /// <exception cref="NotSupportedException">
    /// ExecutionEnvironment is Gpu and no CUDA device was found, or the test-only CPU accelerator was requested and
    /// ILGPU's PTX backend rejects a kernel.
    /// </exception>
    public static GpuRunner? Create(GpuProgram program, ActivationOptions options)
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentNullException.ThrowIfNull(options);
        if (options.RunGpuKernelsOnCpuForTesting)
        {
            // The CPU accelerator runs kernels as .NET code, so first make sure a CUDA device would take them too.
            PtxCompilation.ThrowIfAnyFails(program);
        }

        (Context Context, Accelerator Accelerator)? opened = GpuAccelerators.Open(options, program.Definition.ClassName);
        if (opened is null)
        {
            return null;
        }

        (Context context, Accelerator accelerator) = opened.Value;
        try
        {
            return new GpuRunner(program, context, accelerator);
        }
        catch
        {
            accelerator.Dispose();
            context.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public override void Compute(ReadOnlySpan<float> input, int observations, int lastStep, int arenaOffset, int length, Span<float> output)
    {
        int inputLength = _program.Definition.InputLength;
        int arenaLength = _program.ArenaLength;
        if (observations < 1 || input.Length != observations * inputLength || output.Length != observations * length)
        {
            throw new ArgumentException(
                $"{observations} observation(s) need {observations * inputLength} input and {observations * length} output floats, " +
                $"but {input.Length} and {output.Length} were passed.");
        }

        if ((uint)lastStep >= (uint)_program.Steps.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(lastStep), lastStep, $"{_program.Definition.ClassName} has GPU steps 0 to {_program.Steps.Count - 1}.");
        }

        if (arenaOffset < 0 || (long)arenaOffset + length > arenaLength)
        {
            throw new ArgumentOutOfRangeException(nameof(arenaOffset), arenaOffset, $"Floats {arenaOffset} to {(long)arenaOffset + length} lie outside the {arenaLength}-float arena.");
        }

        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);

            // A layer with no elements has nothing to copy back, and ILGPU rejects a view at the end of an empty one.
            if (length == 0)
            {
                return;
            }

            int part = MaxObservationsPerLaunch;
            for (int start = 0; start < observations; start += part)
            {
                int count = Math.Min(part, observations - start);
                ComputePart(
                    input.Slice(start * inputLength, count * inputLength), count, lastStep, arenaOffset, length,
                    output.Slice(start * length, count * length));
            }
        }
    }

    /// <summary>Runs up to <paramref name="lastStep"/> for observations that fit in one grid; the caller holds the lock.</summary>
    private void ComputePart(ReadOnlySpan<float> input, int observations, int lastStep, int arenaOffset, int length, Span<float> output)
    {
        int inputLength = _program.Definition.InputLength;
        int arenaLength = _program.ArenaLength;
        EnsureCapacity(observations);
        _inputs!.View.SubView(0, (long)observations * inputLength).CopyFromCPU(_accelerator.DefaultStream, input);

        // The views cover exactly this launch's observations, so that kernels spanning them can count them.
        ArrayView1D<float, Stride1D.Dense> arenas = _arenas!.View.SubView(0, (long)observations * arenaLength);
        ArrayView<float> weights = _weights.View;
        ArrayView<float> inputs = _inputs.View.SubView(0, (long)observations * inputLength);
        int observationTiles = (observations + TiledGemm.TileRows - 1) / TiledGemm.TileRows;
        for (int step = 0; step <= lastStep; step++)
        {
            GpuLaunch[] launches = _program.Steps[step];
            for (int i = 0; i < launches.Length; i++)
            {
                GpuLaunch launch = launches[i];
                var kernel = _kernels[step][i] ??= _accelerator.LoadStreamKernel(launch.Kernel);
                long requestedGroups = launch.SpansObservations ? (long)launch.Groups * observationTiles : launch.Groups;
                int groups = (int)Math.Max(1, Math.Min(requestedGroups, _maxGroups));
                int rows = launch.SpansObservations ? 1 : observations;
                kernel(new KernelConfig(new Index3D(groups, rows, 1), new Index3D(GpuProgram.GroupSize, 1, 1)), arenas, weights, inputs);
            }
        }

        // Only the requested layer travels back: packed on the device first when several observations have it, so
        // that one copy brings all of them. CopyToCPU synchronizes the stream, so every kernel has finished by then.
        if (observations == 1)
        {
            arenas.SubView(arenaOffset, length).CopyToCPU(_accelerator.DefaultStream, output);
        }
        else
        {
            EnsurePackedCapacity((long)observations * length);
            ArrayView<float> packed = _packed!.View.SubView(0, (long)observations * length);
            int groups = (int)Math.Min(GpuProgram.GroupsFor(length), _maxGroups);
            _gather ??= _accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, LayerSlice>(LayerGather.Kernel);
            _gather(new KernelConfig(new Index3D(groups, observations, 1), new Index3D(GpuProgram.GroupSize, 1, 1)), arenas, packed, new LayerSlice(arenaLength, arenaOffset, length));
            packed.CopyToCPU(_accelerator.DefaultStream, output);
        }
    }

    private void EnsurePackedCapacity(long floats)
    {
        if (_packed is not null && _packed.Length >= floats)
        {
            return;
        }

        _packed?.Dispose();
        _packed = null;
        _packed = _accelerator.Allocate1D<float>(floats);
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _arenas?.Dispose();
            _inputs?.Dispose();
            _packed?.Dispose();
            _weights.Dispose();
            _accelerator.Dispose();
            _context.Dispose();
        }
    }

    private void EnsureCapacity(int observations)
    {
        if (observations <= _capacity)
        {
            return;
        }

        _arenas?.Dispose();
        _inputs?.Dispose();
        _arenas = null;
        _inputs = null;
        _capacity = 0;
        long arenaFloats = Math.Max(1L, (long)observations * _program.ArenaLength);
        long inputFloats = Math.Max(1L, (long)observations * _program.Definition.InputLength);
        try
        {
            _arenas = _accelerator.Allocate1D<float>(arenaFloats);
            _inputs = _accelerator.Allocate1D<float>(inputFloats);
        }
        catch (Exception exception) when (exception is AcceleratorException or OutOfMemoryException)
        {
            _arenas?.Dispose();
            _arenas = null;
            throw new InvalidOperationException(
                $"Allocating {(arenaFloats + inputFloats) * sizeof(float) / (1024.0 * 1024.0):F1} MiB on {DeviceName} for a mini-batch of {observations} " +
                $"observation(s) of {_program.Definition.ClassName} ({_program.ArenaLength} arena floats each) failed: {exception.Message} " +
                "Lower ActivationOptions.MiniBatchSize.",
                exception);
        }

        _capacity = observations;
    }
}
