using System.Collections.Generic;
using System.Linq;
using Kiln.Compiler.Graph;

namespace Kiln.Compiler.Operators;

/// <summary>
/// Squeeze and Unsqueeze (opsets 1–17): the values keep their order, so the emitted code is one copy. The axes are an
/// attribute before opset 13 and an input from opset 13; negative axes are accepted from opset 11.
/// </summary>
internal sealed class SqueezeOperator : Operator
{
    public SqueezeOperator(string opType)
        : base(opType, 1, 17)
    {
    }

    private bool IsSqueeze => OpType == "Squeeze";

    public override void InferShapes(Node node, ShapeContext context)
    {
        TensorInfo x = context.NumericInput(node, 0);
        int[] shape = IsSqueeze ? SqueezedShape(node, context, x.Shape) : UnsqueezedShape(node, context, x.Shape);
        context.SetOutput(node, 0, x.Type, shape);
    }

    public override string DescribeAttributes(Node node, ShapeContext context)
    {
        long[]? axes = Axes(node, context);
        return axes is null ? "all axes of size 1" : $"axes {string.Join(", ", axes)}";
    }

    public override void EmitCpu(Node node, CpuEmitContext context)
    {
        context.Writer.Line($"{context.ReadInput(node, 0)}.CopyTo({context.WriteOutput(node, 0)});");
    }

    public override bool HasGpuKernels => true;

    public override void EmitGpu(Node node, GpuEmitContext context)
    {
        int count = context.Shapes.Input(node, 0).ElementCount;
        GpuStridedCopy.Emit(node, context, new[] { count }, new[] { 1 });
    }

    private long[]? Axes(Node node, ShapeContext context)
    {
        if (context.Opset < 13)
        {
            return node.GetInts(context, "axes");
        }

        return node.OptionalInput(1) is null ? null : context.ConstantIntegers(node, 1, "axes");
    }

    private int[] SqueezedShape(Node node, ShapeContext context, int[] input)
    {
        long[]? axes = Axes(node, context);
        if (axes is null)
        {
            return input.Where(dim => dim != 1).ToArray();
        }

        var removed = new HashSet<int>();
        foreach (long axis in axes)
        {
            int a = StridedCopyEmitter.NormalizeAxis(node, context, axis, input.Length, "axis");
            if (input[a] != 1)
            {
                throw context.Error(node, $"axis {axis} has size {input[a]}, but Squeeze removes only axes of size 1");
            }

            removed.Add(a);
        }

        return input.Where((dim, axis) => !removed.Contains(axis)).ToArray();
    }

    private int[] UnsqueezedShape(Node node, ShapeContext context, int[] input)
    {
        long[] axes = Axes(node, context) ?? throw context.Error(node, "the axes to insert are missing");
        int rank = input.Length + axes.Length;
        var inserted = new HashSet<int>();
        foreach (long axis in axes)
        {
            int a = StridedCopyEmitter.NormalizeAxis(node, context, axis, rank, "axis");
            if (!inserted.Add(a))
            {
                throw context.Error(node, $"axis {axis} appears more than once in the axes to insert");
            }
        }

        var shape = new int[rank];
        int next = 0;
        for (int axis = 0; axis < rank; axis++)
        {
            shape[axis] = inserted.Contains(axis) ? 1 : input[next++];
        }

        return shape;
    }
}
