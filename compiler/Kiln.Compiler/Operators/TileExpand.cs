using System.Linq;
using Kiln.Compiler.Graph;

namespace Kiln.Compiler.Operators;

/// <summary>
/// Tile (opsets 6–17, where the repeats are an input): each output axis of length repeats·dim is read as the two
/// axes (repeat, index), the repeat axis with source stride 0.
/// </summary>
internal sealed class TileOperator : StridedCopyOperator
{
    public TileOperator()
        : base("Tile", 6, 17)
    {
    }

    public override void InferShapes(Node node, ShapeContext context)
    {
        TensorInfo x = context.NumericInput(node, 0);
        int[] repeats = Repeats(node, context, x.Shape.Length);
        context.SetOutput(node, 0, x.Type, x.Shape.Select((dim, axis) => dim * repeats[axis]).ToArray());
    }

    public override string DescribeAttributes(Node node, ShapeContext context) =>
        $"repeats {StridedCopyEmitter.Join(Repeats(node, context, context.Input(node, 0).Shape.Length))}";

    /// <summary>The output walked as (repeat, index) pairs per input axis, and their input strides.</summary>
    protected override (int[] Shape, int[] Strides, int Offset) Copy(Node node, ShapeContext context)
    {
        int[] input = context.Input(node, 0).Shape;
        int[] repeats = Repeats(node, context, input.Length);
        int[] inputStrides = StridedCopyEmitter.RowMajorStrides(input);
        int[] shape = input.SelectMany((dim, axis) => new[] { repeats[axis], dim }).ToArray();
        int[] strides = inputStrides.SelectMany(stride => new[] { 0, stride }).ToArray();
        return (shape, strides, 0);
    }

    private static int[] Repeats(Node node, ShapeContext context, int rank)
    {
        long[] repeats = context.ConstantIntegers(node, 1, "repeats");
        if (repeats.Length != rank || repeats.Any(r => r < 0 || r > int.MaxValue))
        {
            throw context.Error(node, $"repeats {string.Join(", ", repeats)} must be {rank} non-negative numbers, one per input axis");
        }

        return repeats.Select(r => (int)r).ToArray();
    }
}

/// <summary>
/// Expand (opsets 8–17): broadcasts the input and the requested shape against each other, as the arithmetic operators
/// do, so a requested dimension of 1 keeps the input's dimension. Broadcast axes have source stride 0.
/// </summary>
internal sealed class ExpandOperator : StridedCopyOperator
{
    public ExpandOperator()
        : base("Expand", 8, 17)
    {
    }

    public override void InferShapes(Node node, ShapeContext context)
    {
        TensorInfo x = context.NumericInput(node, 0);
        long[] requested = context.ConstantIntegers(node, 1, "target shape");
        if (requested.Any(dim => dim < 0 || dim > int.MaxValue))
        {
            throw context.Error(node, $"the target shape {string.Join(", ", requested)} has a negative or too large dimension");
        }

        int[] target = requested.Select(dim => (int)dim).ToArray();
        int[] shape = Broadcasting.Shape(x.Shape, target)
            ?? throw context.Error(node, $"the input shape {x.ShapeText} does not broadcast to {string.Join("×", target)}");
        context.SetOutput(node, 0, x.Type, shape);
    }

    /// <summary>The output, with input stride 0 on its broadcast axes.</summary>
    protected override (int[] Shape, int[] Strides, int Offset) Copy(Node node, ShapeContext context)
    {
        int[] input = context.Input(node, 0).Shape;
        int[] output = context.Tensor(node.Outputs[0]).Shape;
        return (output, Broadcasting.Strides(input, output), 0);
    }
}
