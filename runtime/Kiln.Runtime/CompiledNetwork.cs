using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Kiln.Cpu;

namespace Kiln;

/// <summary>
/// The run-time half of every generated network class: input checks, mini-batches, parallel observations,
/// layer lookup and the result layouts. The generated half supplies <see cref="Forward"/>.
/// </summary>
public abstract class CompiledNetwork : IDisposable
{
    // One arena per observation computed at the same time; arenas are reused across calls.
    private readonly ConcurrentBag<float[]> _arenas = new();

    // Per-observation buffers that pack the inputs of a network with several graph inputs.
    private readonly ConcurrentBag<float[]> _staging = new();
    private bool _disposed;

    // Observations being computed on the CPU now, across all calls. It limits how many threads each may split a layer across.
    private int _runningObservations;

    // The GPU (or, in tests, ILGPU's CPU accelerator) that runs the network; null when it runs on the CPU.
    private DeviceRunner? _device;

    /// <summary>Checks the options and prepares the network; called by the generated constructor of a CPU-only network.</summary>
    protected CompiledNetwork(NetworkDefinition definition, ActivationOptions? options)
        : this(definition, options, hasGpuKernels: false)
    {
    }

    /// <summary>
    /// Checks the options and prepares the network; called by the generated constructor. A network with GPU kernels
    /// (<paramref name="hasGpuKernels"/>) calls <see cref="StartDevice"/> once its own fields are set.
    /// </summary>
    protected CompiledNetwork(NetworkDefinition definition, ActivationOptions? options, bool hasGpuKernels)
    {
        ArgumentNullException.ThrowIfNull(definition);
        Definition = definition;
        Options = options ?? new ActivationOptions();

        if (Options.MiniBatchSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), Options.MiniBatchSize, "MiniBatchSize must be at least 1.");
        }

        if (Options.MaxDegreeOfParallelism < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), Options.MaxDegreeOfParallelism, "MaxDegreeOfParallelism must be at least 1.");
        }

        if (Options.ExecutionEnvironment == ExecutionEnvironment.Gpu)
        {
            if (!RuntimeFeature.IsDynamicCodeSupported)
            {
                throw new NotSupportedException(
                    $"{definition.ClassName} cannot run on the GPU in this process: ILGPU compiles kernels at run time, which " +
                    "NativeAOT does not allow. Use ExecutionEnvironment.Cpu or Auto here, or publish without PublishAot to use the GPU.");
            }

            if (!hasGpuKernels)
            {
                throw new NotSupportedException(
                    $"{definition.ClassName} was compiled without GPU kernels, so it runs on the CPU only: use ExecutionEnvironment.Cpu " +
                    "or Auto. To get GPU kernels, reference Kiln.Gpu from the project and leave GpuKernels on in [OnnxNetwork].");
            }
        }
    }

    /// <summary>The network's static facts: input shape, layers, arena size.</summary>
    public NetworkDefinition Definition { get; }

    /// <summary>The options the network was constructed with.</summary>
    public ActivationOptions Options { get; }

    /// <summary>
    /// Where the activations are computed: <c>CPU</c>, or the accelerator's name (such as <c>CUDA: NVIDIA H200</c>)
    /// when <see cref="ActivationOptions.ExecutionEnvironment"/> selected a GPU.
    /// </summary>
    public string Device => _device?.DeviceName ?? "CPU";

    /// <summary>Computes the target layer for every observation in <paramref name="input"/>.</summary>
    /// <param name="input">Observations one after another, each shaped like the graph input (ONNX order).</param>
    public Activations Activations(ReadOnlyMemory<float> input) =>
        Activations(input, Definition.TargetLayer, OutputAs.Channels);

    /// <summary>Computes the target layer for every observation, in the layout <paramref name="outputAs"/>.</summary>
    public Activations Activations(ReadOnlyMemory<float> input, OutputAs outputAs) =>
        Activations(input, Definition.TargetLayer, outputAs);

    /// <summary>Computes the layer named <paramref name="layerName"/> (node name, <c>node/output</c> or tensor name).</summary>
    public Activations Activations(ReadOnlyMemory<float> input, string layerName, OutputAs outputAs = OutputAs.Channels) =>
        Activations(input, ResolveLayer(layerName), outputAs);

    /// <summary>Computes the layer at <paramref name="layerIndex"/> of the layer table.</summary>
    public Activations Activations(ReadOnlyMemory<float> input, int layerIndex, OutputAs outputAs = OutputAs.Channels)
    {
        if ((uint)layerIndex >= (uint)Definition.Layers.Count)
        {
            throw new ArgumentOutOfRangeException(
                nameof(layerIndex), layerIndex, $"{Definition.ClassName} has layers 0 to {Definition.Layers.Count - 1}.");
        }

        return Activations(input, Definition.Layers[layerIndex], outputAs);
    }

    /// <summary>Computes <paramref name="layer"/> for every observation in <paramref name="input"/>.</summary>
    public Activations Activations(ReadOnlyMemory<float> input, Layer layer, OutputAs outputAs = OutputAs.Channels)
    {
        CheckLayer(layer);
        RequireSingleInput();
        int observations = Math.Max(1, CountObservations(input.Length, Definition.InputLength, inputIndex: -1));
        return Compute(observations, layer, outputAs, (observation, staging) =>
            input.Span.Slice(observation * Definition.InputLength, Definition.InputLength));
    }

    /// <summary>Computes the layer named <paramref name="layerName"/> for a network with several graph inputs, one array per input.</summary>
    public Activations Activations(IReadOnlyList<ReadOnlyMemory<float>> inputs, string layerName, OutputAs outputAs = OutputAs.Channels) =>
        Activations(inputs, ResolveLayer(layerName), outputAs);

    /// <summary>
    /// Computes <paramref name="layer"/> for a network with several graph inputs: <paramref name="inputs"/> contains one
    /// array per graph input, in the order of <see cref="NetworkDefinition.Inputs"/>, each with the same number of observations.
    /// A network without graph inputs takes an empty list and computes one observation.
    /// </summary>
    public Activations Activations(IReadOnlyList<ReadOnlyMemory<float>> inputs, Layer layer, OutputAs outputAs = OutputAs.Channels)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        CheckLayer(layer);
        IReadOnlyList<InputDefinition> declared = Definition.Inputs;
        if (inputs.Count != declared.Count)
        {
            throw new ArgumentException(
                $"{Definition.ClassName} has {declared.Count} graph input(s) ({Definition.DescribeInputs()}), but {inputs.Count} array(s) were passed.",
                nameof(inputs));
        }

        int observations = -1;
        for (int i = 0; i < inputs.Count; i++)
        {
            int count = CountObservations(inputs[i].Length, declared[i].Length, inputIndex: i);
            if (count == 0)
            {
                continue;
            }

            if (observations >= 0 && count != observations)
            {
                throw new ArgumentException(
                    $"Input {declared[i].Name} has {count} observation(s), but {declared[0].Name} has {observations}; every input needs the same number.",
                    nameof(inputs));
            }

            observations = count;
        }

        // Without inputs, or with empty ones only, the network computes one observation.
        observations = Math.Max(observations, 1);

        if (inputs.Count == 1)
        {
            return Activations(inputs[0], layer, outputAs);
        }

        // Each observation's inputs are packed one after another, the layout the generated Forward reads.
        return Compute(observations, layer, outputAs, (observation, staging) =>
        {
            int offset = 0;
            for (int i = 0; i < inputs.Count; i++)
            {
                int length = declared[i].Length;
                inputs[i].Span.Slice(observation * length, length).CopyTo(staging.AsSpan(offset, length));
                offset += length;
            }

            return staging;
        });
    }

    /// <summary>
    /// Computes <paramref name="layer"/> for the observations in <paramref name="input"/> into <paramref name="output"/>
    /// (N×M, ONNX order). On the CPU the observations run one after another on the calling thread, which splits
    /// the large layers of each across up to <see cref="ActivationOptions.MaxDegreeOfParallelism"/> threads with the
    /// help of thread-pool threads. It allocates nothing once the network has run once. On a GPU it runs one
    /// mini-batch per launch.
    /// </summary>
    public void Activations(ReadOnlySpan<float> input, Span<float> output, Layer layer)
    {
        CheckLayer(layer);
        RequireSingleInput();
        int observations = Math.Max(1, CountObservations(input.Length, Definition.InputLength, inputIndex: -1));
        if (output.Length != observations * layer.ElementCount)
        {
            throw new ArgumentException(
                $"The output span has {output.Length} floats, but {observations} observation(s) of layer {layer.Name} need {observations * layer.ElementCount}.",
                nameof(output));
        }

        if (_device is not null && layer.Step >= 0)
        {
            // Mini-batch by mini-batch, because the device buffer has one arena per observation of a launch.
            int inputLength = Definition.InputLength;
            for (int start = 0; start < observations; start += Options.MiniBatchSize)
            {
                int count = Math.Min(Options.MiniBatchSize, observations - start);
                _device.Compute(
                    input.Slice(start * inputLength, count * inputLength), count, layer.Step, layer.ArenaOffset, layer.ElementCount,
                    output.Slice(start * layer.ElementCount, count * layer.ElementCount));
            }

            return;
        }

        // The observations run one after another, so each may split its large layers across every allowed thread.
        for (int observation = 0; observation < observations; observation++)
        {
            ComputeObservation(
                input.Slice(observation * Definition.InputLength, Definition.InputLength),
                output.Slice(observation * layer.ElementCount, layer.ElementCount),
                layer, concurrentObservations: 1);
        }
    }

    /// <summary>Finds a layer by node name, <c>node/output</c> or tensor name, suggesting the closest names when there is none.</summary>
    public Layer ResolveLayer(string layerName)
    {
        ArgumentNullException.ThrowIfNull(layerName);
        Layer? layer = Definition.FindLayer(layerName);
        if (layer is null)
        {
            IEnumerable<string> closest = NameSuggestions.Closest(layerName, Definition.Layers.Select(l => l.Name), 3);
            throw new ArgumentException(
                $"{Definition.ClassName} has no layer named '{layerName}'. Closest names: {string.Join(", ", closest)}. " +
                $"The generated {Definition.ClassName}.Layers class lists every layer.",
                nameof(layerName));
        }

        return layer;
    }

    /// <summary>Releases the arenas. The network cannot be used afterwards.</summary>
    public void Dispose()
    {
        _disposed = true;
        _arenas.Clear();
        _device?.Dispose();
        _device = null;
        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// Runs the compute steps 0 to <paramref name="lastStep"/> for one observation. Step k leaves its output in
    /// <paramref name="arena"/> at the offset the generator planned, so the layer made at step k can be read there.
    /// </summary>
    protected abstract void Forward(ReadOnlySpan<float> input, Span<float> arena, int lastStep);

    /// <summary>
    /// Chooses the device by <see cref="ActivationOptions.ExecutionEnvironment"/>; generated constructors of networks with
    /// GPU kernels call it last. Auto takes a GPU only where the process can compile kernels (not NativeAOT).
    /// </summary>
    protected void StartDevice()
    {
        ExecutionEnvironment environment = Options.ExecutionEnvironment;
        if (environment == ExecutionEnvironment.Cpu || !RuntimeFeature.IsDynamicCodeSupported)
        {
            return;
        }

        _device = CreateDeviceRunner(Options);
        if (_device is null && environment == ExecutionEnvironment.Gpu)
        {
            throw new NotSupportedException($"{Definition.ClassName} has GPU kernels, but no device runner was created for ExecutionEnvironment.Gpu.");
        }
    }

    /// <summary>
    /// Creates the runner of the generated GPU kernels, or returns null to run on the CPU (Auto without a CUDA device).
    /// For <see cref="ExecutionEnvironment.Gpu"/> without a device it throws, saying what was found instead.
    /// Networks without GPU kernels return null.
    /// </summary>
    protected virtual DeviceRunner? CreateDeviceRunner(ActivationOptions options) => null;

    /// <summary>
    /// Computes one observation on the calling thread, which splits the large layers across the threads that the
    /// other observations running at the same time leave free: <paramref name="concurrentObservations"/> in this call,
    /// or more when other calls on this network run at the same time.
    /// </summary>
    private void ComputeObservation(ReadOnlySpan<float> input, Span<float> output, Layer layer, int concurrentObservations)
    {
        if (layer.Step < 0)
        {
            input.Slice(layer.ArenaOffset, layer.ElementCount).CopyTo(output);
            return;
        }

        if (!_arenas.TryTake(out float[]? arena))
        {
            arena = GC.AllocateUninitializedArray<float>(Definition.ArenaLength);
        }

        int running = Interlocked.Increment(ref _runningObservations);
        try
        {
            int degree = IntraOpParallelism.DegreePerObservation(Options.MaxDegreeOfParallelism, Math.Max(running, concurrentObservations));
            using IntraOpParallelism.Scope scope = IntraOpParallelism.Enter(degree);
            Forward(input, arena, layer.Step);
            arena.AsSpan(layer.ArenaOffset, layer.ElementCount).CopyTo(output);
        }
        finally
        {
            Interlocked.Decrement(ref _runningObservations);
            _arenas.Add(arena);
        }
    }

    private void CheckLayer(Layer layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        if (_disposed)
        {
            throw new ObjectDisposedException(
                GetType().Name, $"This {Definition.ClassName} was disposed, so it cannot compute activations. Create a new instance.");
        }
        if (!ReferenceEquals(layer.Network, Definition))
        {
            throw new ArgumentException(
                $"Layer {layer.Name} belongs to {layer.Network.ClassName}, not to {Definition.ClassName}. " +
                $"Use a constant of {Definition.ClassName}.Layers.",
                nameof(layer));
        }
    }

    /// <summary>Runs the observations mini-batch by mini-batch, in parallel within each, and gathers the layer's values.</summary>
    private Activations Compute(int observations, Layer layer, OutputAs outputAs, Func<int, float[], ReadOnlySpan<float>> observationInput)
    {
        var values = new float[observations * layer.ElementCount];
        if (_device is not null && layer.Step >= 0)
        {
            return ComputeOnDevice(_device, observations, layer, outputAs, observationInput, values);
        }

        int miniBatchSize = Options.MiniBatchSize;
        var parallelOptions = new ParallelOptions { MaxDegreeOfParallelism = Options.MaxDegreeOfParallelism };
        for (int start = 0; start < observations; start += miniBatchSize)
        {
            int end = Math.Min(start + miniBatchSize, observations);

            int concurrentObservations = Math.Min(end - start, Options.MaxDegreeOfParallelism);
            Parallel.For(start, end, parallelOptions, observation =>
            {
                float[]? staging = Definition.Inputs.Count > 1 ? RentStaging() : null;
                try
                {
                    ComputeObservation(
                        observationInput(observation, staging!), values.AsSpan(observation * layer.ElementCount, layer.ElementCount),
                        layer, concurrentObservations);
                }
                finally
                {
                    if (staging is not null)
                    {
                        _staging.Add(staging);
                    }
                }
            });

            Options.Progress?.Report(new ActivationProgress(end, observations));
        }

        return new Activations(layer, outputAs, observations, values);
    }

    /// <summary>Runs the observations on the device one mini-batch at a time, packing each mini-batch's inputs together.</summary>
    private Activations ComputeOnDevice(
        DeviceRunner device, int observations, Layer layer, OutputAs outputAs, Func<int, float[], ReadOnlySpan<float>> observationInput, float[] values)
    {
        int miniBatchSize = Options.MiniBatchSize;
        int inputLength = Definition.InputLength;
        float[] staging = GC.AllocateUninitializedArray<float>(inputLength);
        float[] packed = GC.AllocateUninitializedArray<float>(Math.Min(miniBatchSize, observations) * inputLength);
        for (int start = 0; start < observations; start += miniBatchSize)
        {
            int count = Math.Min(miniBatchSize, observations - start);
            for (int observation = 0; observation < count; observation++)
            {
                observationInput(start + observation, staging).CopyTo(packed.AsSpan(observation * inputLength, inputLength));
            }

            device.Compute(packed.AsSpan(0, count * inputLength), count, layer.Step, layer.ArenaOffset, layer.ElementCount, values.AsSpan(start * layer.ElementCount, count * layer.ElementCount));
            Options.Progress?.Report(new ActivationProgress(start + count, observations));
        }

        return new Activations(layer, outputAs, observations, values);
    }

    private float[] RentStaging() =>
        _staging.TryTake(out float[]? staging) ? staging : GC.AllocateUninitializedArray<float>(Definition.InputLength);

    private void RequireSingleInput()
    {
        if (Definition.Inputs.Count != 1)
        {
            throw new ArgumentException(
                $"{Definition.ClassName} has {Definition.Inputs.Count} graph inputs ({Definition.DescribeInputs()}); " +
                "pass one array per input with Activations(IReadOnlyList<ReadOnlyMemory<float>>, Layer, OutputAs).",
                "input");
        }
    }

    /// <summary>
    /// Observations in an input, or 0 for an input that has no values per observation; <paramref name="inputIndex"/>
    /// names the graph input in messages, -1 for all of them.
    /// </summary>
    private int CountObservations(int inputLength, int perObservation, int inputIndex)
    {
        // An input with no values per observation (a zero-size dimension) is empty for any number of observations.
        if (perObservation == 0 && inputLength == 0)
        {
            return 0;
        }

        if (inputLength == 0 || perObservation == 0 || inputLength % perObservation != 0)
        {
            // The description is built only here, so that a correct call allocates nothing.
            InputDefinition? input = inputIndex >= 0 ? Definition.Inputs[inputIndex] : null;
            string shape = input is null ? Definition.DescribeInputs() : $"{input.Name}: {string.Join("×", input.Shape)}";
            throw new ArgumentException(
                $"The input has {inputLength} floats, but {Definition.ClassName} takes observations of {perObservation} floats each ({shape}). " +
                "Pass one or more whole observations, one after another.",
                "input");
        }

        return inputLength / perObservation;
    }
}
