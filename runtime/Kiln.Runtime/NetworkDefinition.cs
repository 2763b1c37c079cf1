namespace Kiln;

/// <summary>
/// The static facts of one compiled network: its input, its layers and the size of its activation arena.
/// Generated code builds one instance per network class.
/// </summary>
public sealed class NetworkDefinition
{
    private readonly Dictionary<string, Layer> _layersByName = new(StringComparer.Ordinal);

    /// <summary>Builds the definition; called by generated code.</summary>
    public NetworkDefinition(string className, string modelFile, InputDefinition[] inputs, int arenaLength, LayerDefinition[] layers)
    {
        ClassName = className;
        ModelFile = modelFile;
        Inputs = inputs;
        ArenaLength = arenaLength;

        long inputLength = 0;
        foreach (InputDefinition input in inputs)
        {
            inputLength += input.Length;
        }

        InputLength = checked((int)inputLength);

        var built = new Layer[layers.Length];
        for (int i = 0; i < layers.Length; i++)
        {
            built[i] = new Layer(this, i, layers[i]);
            _layersByName.TryAdd(layers[i].OutputName, built[i]);
            _layersByName.TryAdd($"{layers[i].Name}/{layers[i].OutputName}", built[i]);
            _layersByName[layers[i].Name] = built[i];
        }

        Layers = built;
    }

    /// <summary>
    /// Floats of arena one observation needs: the planned tensors, then room for the largest kernel workspace.
    /// Generated code passes each kernel's own workspace rule, so the kernels can change it without the generator.
    /// </summary>
    public static int ComputeArenaLength(int tensorLength, params int[] workspaceLengths)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(tensorLength);
        ArgumentNullException.ThrowIfNull(workspaceLengths);
        long largest = workspaceLengths.Length == 0 ? 0 : workspaceLengths.Max();
        return checked((int)(tensorLength + largest));
    }

    /// <summary>Name of the generated class.</summary>
    public string ClassName { get; }

    /// <summary>File name of the ONNX model the class was compiled from.</summary>
    public string ModelFile { get; }

    /// <summary>The graph inputs, in the order the model declares them.</summary>
    public IReadOnlyList<InputDefinition> Inputs { get; }

    /// <summary>Values of all graph inputs together for one observation.</summary>
    public int InputLength { get; }

    /// <summary>The inputs as text for messages, such as <c>data: 1×3×32×32</c>.</summary>
    internal string DescribeInputs() =>
        Inputs.Count == 0 ? "none" : string.Join(", ", Inputs.Select(input => $"{input.Name}: {string.Join("×", input.Shape)}"));

    /// <summary>Floats of working memory one observation needs.</summary>
    public int ArenaLength { get; }

    /// <summary>All layers, graph inputs first, in the order they are computed.</summary>
    public IReadOnlyList<Layer> Layers { get; }

    /// <summary>The last layer: the compiled target.</summary>
    public Layer TargetLayer => Layers[Layers.Count - 1];

    /// <summary>Finds a layer by node name, <c>node/output</c> or output tensor name; null when there is none.</summary>
    public Layer? FindLayer(string name) => _layersByName.TryGetValue(name, out Layer? layer) ? layer : null;
}

/// <summary>One graph input: its name and its static shape for one observation.</summary>
/// <param name="Name">The ONNX input name.</param>
/// <param name="Shape">Static shape for one observation, in ONNX order.</param>
/// <param name="ElementType">
/// The ONNX element type, such as <c>float</c> or <c>int64</c>. Every input is passed as float32 values, which hold
/// integers exactly up to 2^24 and bool as 1 or 0.
/// </param>
public sealed record InputDefinition(string Name, int[] Shape, string ElementType = "float")
{
    /// <summary>Values of the input for one observation.</summary>
    public int Length
    {
        get
        {
            long length = 1;
            foreach (int dimension in Shape)
            {
                length *= dimension;
            }

            return checked((int)length);
        }
    }
}
