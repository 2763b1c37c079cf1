using System;
using System.Collections.Generic;
using System.Linq;
using Kiln.Compiler.Diagnostics;
using Kiln.Compiler.Graph;

namespace Kiln.Compiler.Operators;

/// <summary>The state an operator's shape rule reads and extends: the model, its opset, and the tensors whose shapes are known so far.</summary>
internal sealed class ShapeContext
{
    /// <summary>Largest element count of one tensor; keeps arena offsets within int range.</summary>
    public const long MaxElements = int.MaxValue / 4;

    /// <summary>Largest integer tensor whose values an operator keeps at build time, for the shape folding pass.</summary>
    public const long MaxFoldedElements = 1 << 16;

    public ShapeContext(OnnxGraph graph)
    {
        Graph = graph;
    }

    public OnnxGraph Graph { get; }

    public int Opset => Graph.Opset;

    public Dictionary<string, TensorInfo> Tensors { get; } = new Dictionary<string, TensorInfo>(StringComparer.Ordinal);

    public TensorInfo Tensor(string name) => Tensors[name];

    /// <summary>The node's input at <paramref name="position"/>, which must be present.</summary>
    public TensorInfo Input(Node node, int position)
    {
        string? name = node.OptionalInput(position);
        if (name is null)
        {
            throw Error(node, $"input {position} is required but missing");
        }

        return Tensors[name];
    }

    public TensorInfo? OptionalInput(Node node, int position)
    {
        string? name = node.OptionalInput(position);
        return name is null ? null : Tensors[name];
    }

    /// <summary>
    /// The node's input at <paramref name="position"/> as a floating-point tensor. Float16, bfloat16 and double inputs are
    /// accepted and computed in float32, Kiln's one arithmetic; integer and bool inputs are an error.
    /// </summary>
    public TensorInfo FloatInput(Node node, int position)
    {
        TensorInfo input = Input(node, position);
        if (!ElementTypes.IsFloatingPoint(input.Type))
        {
            throw Error(node, $"input {position} ('{input.Name}') is {ElementTypes.Name(input.Type)}, but Kiln computes this operator on floating-point tensors only");
        }

        return input;
    }

    /// <summary>The node's input at <paramref name="position"/> as a tensor of numbers or bools, which Kiln stores as float32.</summary>
    public TensorInfo NumericInput(Node node, int position)
    {
        TensorInfo input = Input(node, position);
        if (!ElementTypes.IsNumeric(input.Type))
        {
            throw Error(node, $"input {position} ('{input.Name}') is {DescribeType(input.Type)}, but Kiln computes on tensors of numbers and bools only");
        }

        return input;
    }

    /// <summary>An element type for messages: its ONNX name, or what it is when it has none.</summary>
    public static string DescribeType(ElementType type) =>
        type == ElementType.Undefined ? "a sequence, map or optional value, not a tensor" : $"of type {ElementTypes.Name(type)}";

    /// <summary>The build-time integer values of the input at <paramref name="position"/>, which must be a constant.</summary>
    public long[] ConstantIntegers(Node node, int position, string purpose)
    {
        TensorInfo input = Input(node, position);
        if (input.IntegerValues is null)
        {
            throw Error(node, $"input {position} ('{input.Name}') gives the {purpose} and must be a constant (an initializer or a Constant node), because Kiln compiles fixed shapes");
        }

        return input.IntegerValues;
    }

    public void SetOutput(Node node, int position, ElementType type, int[] shape, long[]? integerValues = null)
    {
        if (position >= node.Outputs.Count || node.Outputs[position].Length == 0)
        {
            return;
        }

        long elements = 1;
        foreach (int dim in shape)
        {
            if (dim < 0)
            {
                throw Error(node, $"output {position} would have the negative dimension {dim} (shape {string.Join("×", shape)})");
            }

            elements *= dim;
            if (elements > MaxElements)
            {
                throw Error(node, $"output {position} would have more than {MaxElements} elements (shape {string.Join("×", shape)})");
            }
        }

        string name = node.Outputs[position];
        Tensors[name] = new TensorInfo(name, type, shape) { IntegerValues = integerValues };
    }

    /// <summary>The number of parameters a node reads: the elements of its float initializers (shape and axes tensors do not count).</summary>
    public long ParameterCount(Node node) =>
        node.Inputs.Where(input => input.Length > 0 && Graph.Initializers.TryGetValue(input, out Initializer? initializer) && initializer.Type == ElementType.Float)
            .Sum(input => Graph.Initializers[input].ElementCount);

    public CompilationError Error(Node node, string message) =>
        new CompilationError(KilnDiagnostics.InvalidNode, node.DisplayName, node.OpType, Opset.ToString(System.Globalization.CultureInfo.InvariantCulture), Graph.FileName, message);
}
