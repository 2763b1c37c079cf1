namespace Kiln;

/// <summary>
/// One layer of a compiled network: the output of one ONNX node (or a graph input), with its static shape.
/// Generated classes expose their layers as constants in a nested <c>Layers</c> class.
/// </summary>
public sealed class Layer
{
    internal Layer(NetworkDefinition network, int index, LayerDefinition definition)
    {
        Network = network;
        Index = index;
        Name = definition.Name;
        OutputName = definition.OutputName;
        Operator = definition.Operator;
        Shape = definition.Shape;
        ParameterCount = definition.ParameterCount;
        Step = definition.Step;
        ArenaOffset = definition.ArenaOffset;
        ElementType = definition.ElementType;

        long elements = 1;
        foreach (int dimension in definition.Shape)
        {
            elements *= dimension;
        }

        ElementCount = checked((int)elements);
    }

    /// <summary>The ONNX node name, or <c>node/output</c> for one output of a multi-output node.</summary>
    public string Name { get; }

    /// <summary>Name of the ONNX tensor that contains the layer's values.</summary>
    public string OutputName { get; }

    /// <summary>Position in the network's layer table, from 0; graph inputs come first.</summary>
    public int Index { get; }

    /// <summary>The ONNX operator that produces the layer, or <c>Input</c> for a graph input.</summary>
    public string Operator { get; }

    /// <summary>Static shape of the layer for one observation, in ONNX order.</summary>
    public IReadOnlyList<int> Shape { get; }

    /// <summary>Number of learnable values (weights and biases) the producing node reads.</summary>
    public long ParameterCount { get; }

    /// <summary>
    /// The ONNX element type of the layer, such as <c>float</c>, <c>int64</c> or <c>bool</c>. Kiln computes in single
    /// precision and returns every layer as float32 values: integers are exact up to 2^24, bool is 1 or 0.
    /// </summary>
    public string ElementType { get; }

    /// <summary>Number of values of the layer for one observation.</summary>
    public int ElementCount { get; }

    internal NetworkDefinition Network { get; }

    /// <summary>Last compute step to run before the layer's values are ready; -1 for a graph input.</summary>
    internal int Step { get; }

    /// <summary>Where the values lie in the arena; for a graph input, where they lie among one observation's inputs.</summary>
    internal int ArenaOffset { get; }

    /// <inheritdoc/>
    public override string ToString() => $"{Name} ({Operator}, {string.Join("×", Shape)})";
}

/// <summary>What the generated code states about one layer; <see cref="NetworkDefinition"/> turns it into a <see cref="Layer"/>.</summary>
/// <param name="Name">The ONNX node name, or <c>node/output</c>.</param>
/// <param name="OutputName">The ONNX tensor that contains the values.</param>
/// <param name="Operator">The ONNX operator, or <c>Input</c>.</param>
/// <param name="Shape">Static shape for one observation.</param>
/// <param name="ParameterCount">Learnable values the node reads.</param>
/// <param name="Step">Last compute step to run before the values are ready; -1 for a graph input.</param>
/// <param name="ArenaOffset">Offset of the values in the arena, in floats; for a graph input, its offset among one observation's inputs.</param>
/// <param name="ElementType">The ONNX element type, held as float32 values whatever it is.</param>
public sealed record LayerDefinition(string Name, string OutputName, string Operator, int[] Shape, long ParameterCount, int Step, int ArenaOffset, string ElementType = "float");
