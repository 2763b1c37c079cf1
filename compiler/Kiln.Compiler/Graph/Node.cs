using System.Collections.Generic;
using Kiln.Compiler.Read.Onnx;

namespace Kiln.Compiler.Graph;

/// <summary>One ONNX node: operator, name, input and output tensor names (empty for an omitted optional one), attributes.</summary>
internal sealed class Node
{
    public Node(int index, string name, string opType, string domain, List<string> inputs, List<string> outputs, Dictionary<string, AttributeProto> attributes)
    {
        Index = index;
        Name = name;
        OpType = opType;
        Domain = domain;
        Inputs = inputs;
        Outputs = outputs;
        Attributes = attributes;
    }

    /// <summary>Position of the node in the model file.</summary>
    public int Index { get; }

    public string Name { get; }

    public string OpType { get; }

    public string Domain { get; }

    public List<string> Inputs { get; }

    public List<string> Outputs { get; }

    public Dictionary<string, AttributeProto> Attributes { get; }

    /// <summary>The node's name, or its first output's when the model leaves nodes unnamed, for messages and layer names.</summary>
    public string DisplayName => Name.Length > 0 ? Name : (Outputs.Count > 0 ? Outputs[0] : $"#{Index}");

    /// <summary>The input at <paramref name="position"/>, or null when it is absent or omitted with an empty name.</summary>
    public string? OptionalInput(int position) =>
        position < Inputs.Count && Inputs[position].Length > 0 ? Inputs[position] : null;

    /// <summary>The output at <paramref name="position"/>, or null when the model does not ask for it.</summary>
    public string? OptionalOutput(int position) =>
        position < Outputs.Count && Outputs[position].Length > 0 ? Outputs[position] : null;
}
