using System.Collections.Concurrent;

namespace Kiln;

/// <summary>
/// The run-time half of every generated network class: input checks, mini-batches, parallel observations,
/// layer lookup and the result layouts. The generated half supplies <see cref="Forward"/>.
/// </summary>
public abstract class CompiledNetwork : IDisposable
{
    // One arena per observation computed at the same time; arenas are reused across calls.
    private readonly ConcurrentBag<float[]> _arenas = new();
    private bool _disposed;

    /// <summary>Checks the options and prepares the network; called by the generated constructor.</summary>
    protected CompiledNetwork(NetworkDefinition definition, ActivationOptions? options)
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
            throw new NotSupportedException(
                $"{definition.ClassName} was compiled for the CPU only: GPU kernels are not generated yet. " +
                "Use ExecutionEnvironment.Cpu or ExecutionEnvironment.Auto.");
        }
    }

    /// <summary>The network's static facts: input shape, layers, arena size.</summary>
    public NetworkDefinition Definition { get; }

    /// <summary>The options the network was constructed with.</summary>
    public ActivationOptions Options { get; }

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
        int observations = CountObservations(input.Length);
        var values = new float[observations * layer.ElementCount];

        int miniBatchSize = Options.MiniBatchSize;
        var parallelOptions = new ParallelOptions { MaxDegreeOfParallelism = Options.MaxDegreeOfParallelism };
        for (int start = 0; start < observations; start += miniBatchSize)
        {
            int end = Math.Min(start + miniBatchSize, observations);
            Parallel.For(start, end, parallelOptions, observation =>
            {
                ReadOnlySpan<float> one = input.Span.Slice(observation * Definition.InputLength, Definition.InputLength);
                ComputeObservation(one, values.AsSpan(observation * layer.ElementCount, layer.ElementCount), layer);
            });

            Options.Progress?.Report(new ActivationProgress(end, observations));
        }

        return new Activations(layer, outputAs, observations, values);
    }

    /// <summary>
    /// Computes <paramref name="layer"/> for the observations in <paramref name="input"/> into <paramref name="output"/>
    /// (N×M, ONNX order) on the calling thread, without allocating once the network has run once.
    /// </summary>
    public void Activations(ReadOnlySpan<float> input, Span<float> output, Layer layer)
    {
        CheckLayer(layer);
        int observations = CountObservations(input.Length);
        if (output.Length != observations * layer.ElementCount)
        {
            throw new ArgumentException(
                $"The output span has {output.Length} floats, but {observations} observation(s) of layer {layer.Name} need {observations * layer.ElementCount}.",
                nameof(output));
        }

        for (int observation = 0; observation < observations; observation++)
        {
            ComputeObservation(
                input.Slice(observation * Definition.InputLength, Definition.InputLength),
                output.Slice(observation * layer.ElementCount, layer.ElementCount),
                layer);
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
        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// Runs the compute steps 0 to <paramref name="lastStep"/> for one observation. Step k leaves its output in
    /// <paramref name="arena"/> at the offset the generator planned, so the layer made at step k can be read there.
    /// </summary>
    protected abstract void Forward(ReadOnlySpan<float> input, Span<float> arena, int lastStep);

    private void ComputeObservation(ReadOnlySpan<float> input, Span<float> output, Layer layer)
    {
        if (layer.Step < 0)
        {
            input.CopyTo(output);
            return;
        }

        if (!_arenas.TryTake(out float[]? arena))
        {
            arena = GC.AllocateUninitializedArray<float>(Definition.ArenaLength);
        }

        try
        {
            Forward(input, arena, layer.Step);
            arena.AsSpan(layer.ArenaOffset, layer.ElementCount).CopyTo(output);
        }
        finally
        {
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

    private int CountObservations(int inputLength)
    {
        int perObservation = Definition.InputLength;
        if (inputLength == 0 || inputLength % perObservation != 0)
        {
            throw new ArgumentException(
                $"The input has {inputLength} floats, but {Definition.ClassName} takes observations of " +
                $"{perObservation} floats each ({Definition.InputName}: {string.Join("×", Definition.InputShape)}). " +
                "Pass one or more whole observations, one after another.",
                "input");
        }

        return inputLength / perObservation;
    }
}
