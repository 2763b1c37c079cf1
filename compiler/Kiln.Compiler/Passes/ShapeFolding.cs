using System;
using System.Collections.Generic;
using System.Linq;
using Kiln.Compiler.Graph;
using Kiln.Compiler.Operators;

namespace Kiln.Compiler.Passes;

/// <summary>
/// Folds shape arithmetic at build time: Shape of a tensor (whose shape is static), and Gather, Unsqueeze, Squeeze,
/// Concat, Slice, Cast, Identity, Reshape and Add/Sub/Mul/Div on integer tensors whose values are known. Exporters
/// emit such chains: PyTorch's flatten is Shape → Gather → Unsqueeze → Concat → Reshape. Folded, they leave
/// constants behind and cost nothing at run time.
/// </summary>
internal static class ShapeFolding
{
    private static readonly HashSet<string> Foldable = new HashSet<string>(StringComparer.Ordinal)
    {
        "Shape", "Gather", "Unsqueeze", "Squeeze", "Concat", "Slice", "Cast", "Identity", "Reshape", "Add", "Sub", "Mul", "Div",
    };

    /// <summary>True for operators that this pass may fold, depending on their inputs.</summary>
    public static bool MayFold(Node node) => node.Domain.Length == 0 && Foldable.Contains(node.OpType);

    /// <summary>
    /// Computes the node's integer output at build time when every input it needs is known. Returns false, and
    /// changes nothing, when the node must run as code instead.
    /// </summary>
    public static bool TryFold(Node node, ShapeContext context)
    {
        if (!MayFold(node) || node.Outputs.Count != 1 || node.Outputs[0].Length == 0)
        {
            return false;
        }

        (long[] Values, int[] Shape)? result = node.OpType switch
        {
            "Shape" => FoldShape(node, context),
            _ => FoldIntegers(node, context),
        };

        if (result is null)
        {
            return false;
        }

        string output = node.Outputs[0];
        long[] values = result.Value.Values;
        int[] shape = result.Value.Shape;
        var initializer = new Initializer(output, ElementType.Int64, shape.Select(d => (long)d).ToArray())
        {
            Storage = TensorStorage.Inline,
            Integers = values.ToList(),
        };
        context.Graph.Initializers[output] = initializer;
        context.Tensors[output] = new TensorInfo(output, ElementType.Int64, shape) { Initializer = initializer, IntegerValues = values };
        return true;
    }

    /// <summary>The dimensions Shape gives for its input: all of them, or the range of axes that start and end select.</summary>
    internal static (long[], int[])? FoldShape(Node node, ShapeContext context)
    {
        string? input = node.OptionalInput(0);
        if (input is null || !context.Tensors.TryGetValue(input, out TensorInfo? tensor))
        {
            return null;
        }

        // Opset 15 added start and end, which select a range of axes (negative counts from the back, clamped).
        int rank = tensor.Shape.Length;
        int start = Clamp(node.GetInt(context, "start", 0), rank);
        int end = Clamp(node.GetInt(context, "end", rank), rank);
        long[] dims = tensor.Shape.Skip(start).Take(Math.Max(0, end - start)).Select(d => (long)d).ToArray();
        return (dims, new[] { dims.Length });
    }

    private static (long[], int[])? FoldIntegers(Node node, ShapeContext context)
    {
        var inputs = new List<TensorInfo?>();
        foreach (string name in node.Inputs)
        {
            inputs.Add(name.Length == 0 ? null : context.Tensors.TryGetValue(name, out TensorInfo? tensor) ? tensor : null);
        }

        // Only integer tensors with known values fold; float data runs as code.
        TensorInfo? data = inputs.Count > 0 ? inputs[0] : null;
        if (data is null || data.IntegerValues is null || data.Type == ElementType.Float)
        {
            return null;
        }

        long[] values = data.IntegerValues;
        int[] shape = data.Shape;
        switch (node.OpType)
        {
            case "Identity":
                return (values, shape);
            case "Cast":
                long to = node.GetInt(context, "to", 0);
                return to == (long)ElementType.Int64 || to == (long)ElementType.Int32 ? (values, shape) : null;
            case "Reshape":
                return Known(inputs, 1) is { } target ? (values, ReshapeTarget(shape, target)) : null;
            case "Unsqueeze":
                return Axes(node, context, inputs) is { } unsqueezeAxes ? (values, Unsqueeze(shape, unsqueezeAxes)) : null;
            case "Squeeze":
                // From opset 13 the axes are an optional input; one that is given but unknown stops the fold.
                long[]? squeezeAxes = Axes(node, context, inputs);
                if (squeezeAxes is null && context.Opset >= 13 && node.OptionalInput(1) is not null)
                {
                    return null;
                }

                return (values, Squeeze(shape, squeezeAxes));
            case "Gather":
                return Known(inputs, 1) is { } indices && inputs[1] is { } indexTensor
                    ? Gather(values, shape, indices, indexTensor.Shape, (int)node.GetInt(context, "axis", 0))
                    : null;
            case "Concat":
                if (inputs.Any(input => input?.IntegerValues is null) || shape.Length != 1)
                {
                    return null;
                }

                long[] joined = inputs.SelectMany(input => input!.IntegerValues!).ToArray();
                return (joined, new[] { joined.Length });
            case "Slice":
                return shape.Length == 1 ? Slice(node, context, values, inputs) : null;
            case "Add":
            case "Sub":
            case "Mul":
            case "Div":
                return Known(inputs, 1) is { } right && inputs[1] is { } rightTensor ? Arithmetic(node.OpType, values, shape, right, rightTensor.Shape) : null;
            default:
                return null;
        }
    }

    private static long[]? Known(List<TensorInfo?> inputs, int position) =>
        position < inputs.Count ? inputs[position]?.IntegerValues : null;

    private static long[]? Axes(Node node, ShapeContext context, List<TensorInfo?> inputs) =>
        context.Opset < 13 ? node.GetInts(context, "axes") : Known(inputs, 1);

    private static int[] ReshapeTarget(int[] shape, long[] target)
    {
        long total = shape.Aggregate(1L, (p, d) => p * d);
        long known = target.Where(d => d > 0).Aggregate(1L, (p, d) => p * d);
        return target.Select((d, i) => d == -1 ? (int)(total / Math.Max(1, known)) : d == 0 ? shape[i] : (int)d).ToArray();
    }

    private static int[] Unsqueeze(int[] shape, long[] axes)
    {
        int rank = shape.Length + axes.Length;
        var normalized = new HashSet<long>(axes.Select(a => a < 0 ? a + rank : a));
        var result = new List<int>();
        int next = 0;
        for (int axis = 0; axis < rank; axis++)
        {
            result.Add(normalized.Contains(axis) ? 1 : shape[next++]);
        }

        return result.ToArray();
    }

    private static int[] Squeeze(int[] shape, long[]? axes)
    {
        if (axes is null || axes.Length == 0)
        {
            return shape.Where(d => d != 1).ToArray();
        }

        var normalized = new HashSet<long>(axes.Select(a => a < 0 ? a + shape.Length : a));
        return shape.Where((_, axis) => !normalized.Contains(axis)).ToArray();
    }

    private static (long[], int[])? Gather(long[] values, int[] shape, long[] indices, int[] indexShape, int axis)
    {
        int rank = shape.Length;
        if (rank == 0)
        {
            return null;
        }

        int a = axis < 0 ? axis + rank : axis;
        int outer = shape.Take(a).Aggregate(1, (p, d) => p * d);
        int inner = shape.Skip(a + 1).Aggregate(1, (p, d) => p * d);
        var result = new List<long>();
        for (int o = 0; o < outer; o++)
        {
            foreach (long index in indices)
            {
                long i = index < 0 ? index + shape[a] : index;
                if (i < 0 || i >= shape[a])
                {
                    return null;
                }

                for (int k = 0; k < inner; k++)
                {
                    result.Add(values[(((o * shape[a]) + i) * inner) + k]);
                }
            }
        }

        int[] outputShape = shape.Take(a).Concat(indexShape).Concat(shape.Skip(a + 1)).ToArray();
        return (result.ToArray(), outputShape);
    }

    private static (long[], int[])? Slice(Node node, ShapeContext context, long[] values, List<TensorInfo?> inputs)
    {
        long[]? starts = context.Opset < 10 ? node.GetInts(context, "starts") : Known(inputs, 1);
        long[]? ends = context.Opset < 10 ? node.GetInts(context, "ends") : Known(inputs, 2);
        if (starts is null || ends is null || starts.Length != 1 || ends.Length != 1)
        {
            return null;
        }

        long step = context.Opset >= 10 && Known(inputs, 4) is { Length: 1 } steps ? steps[0] : 1;
        if (step != 1)
        {
            return null;
        }

        int length = values.Length;
        int begin = Clamp(starts[0], length);
        int finish = Clamp(ends[0], length);
        long[] sliced = values.Skip(begin).Take(Math.Max(0, finish - begin)).ToArray();
        return (sliced, new[] { sliced.Length });
    }

    private static (long[], int[])? Arithmetic(string opType, long[] left, int[] leftShape, long[] right, int[] rightShape)
    {
        if (left.Length != right.Length && left.Length != 1 && right.Length != 1)
        {
            return null;
        }

        int count = Math.Max(left.Length, right.Length);
        var result = new long[count];
        for (int i = 0; i < count; i++)
        {
            long a = left[left.Length == 1 ? 0 : i];
            long b = right[right.Length == 1 ? 0 : i];
            if (opType == "Div" && b == 0)
            {
                return null;
            }

            result[i] = opType switch
            {
                "Add" => a + b,
                "Sub" => a - b,
                "Mul" => a * b,
                _ => (long)Math.Floor((double)a / b),
            };
        }

        return (result, left.Length >= right.Length ? leftShape : rightShape);
    }

    private static int Clamp(long index, int length)
    {
        long normalized = index < 0 ? index + length : index;
        return (int)Math.Max(0, Math.Min(length, normalized));
    }
}
