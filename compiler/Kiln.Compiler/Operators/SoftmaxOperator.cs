using System.Linq;
using Kiln.Compiler.Graph;

namespace Kiln.Compiler.Operators;

/// <summary>
/// Softmax. Before opset 13 the input is flattened to 2-D at <c>axis</c> (default 1) and normalized over the
/// whole second part; from opset 13 it is normalized along the single axis <c>axis</c> (default −1).
/// </summary>
internal sealed class SoftmaxOperator : Operator
{
    public SoftmaxOperator()
        : base("Softmax", 1, 17)
    {
    }

    public override void InferShapes(Node node, ShapeContext context)
    {
        TensorInfo x = context.FloatInput(node, 0);
        _ = Split(node, context, x.Shape);
        context.SetOutput(node, 0, ElementType.Float, x.Shape);
    }

    public override string DescribeAttributes(Node node, ShapeContext context)
    {
        long axis = node.GetInt(context, "axis", context.Opset < 13 ? 1 : -1);
        return context.Opset < 13 ? $"axis {axis}, over all axes from it (opset {context.Opset})" : $"axis {axis}";
    }

    public override void EmitCpu(Node node, CpuEmitContext context)
    {
        (int outer, int axisLength, int inner) = Split(node, context.Shapes, context.Shapes.Input(node, 0).Shape);
        context.Writer.Line($"{CpuEmitContext.Kernels}Softmax.Forward({context.ReadInput(node, 0)}, {context.WriteOutput(node, 0)}, outer: {outer}, axisLength: {axisLength}, inner: {inner});");
    }

    private static (int Outer, int AxisLength, int Inner) Split(Node node, ShapeContext context, int[] shape)
    {
        int rank = shape.Length;
        long axis = node.GetInt(context, "axis", context.Opset < 13 ? 1 : -1);
        if (axis < -rank || axis >= System.Math.Max(rank, 1))
        {
            throw context.Error(node, $"axis {axis} is outside the input's rank {rank}");
        }

        int a = (int)(axis < 0 ? axis + rank : axis);
        int outer = shape.Take(a).Aggregate(1, (p, d) => p * d);
        if (context.Opset < 13)
        {
            return (outer, shape.Skip(a).Aggregate(1, (p, d) => p * d), 1);
        }

        return (outer, rank == 0 ? 1 : shape[a], shape.Skip(a + 1).Aggregate(1, (p, d) => p * d));
    }
}
