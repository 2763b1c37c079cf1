using System.Linq;
using Kiln.Compiler.Graph;

namespace Kiln.Compiler.Operators;

/// <summary>
/// Gather, opsets 1–17: entries of the data along <c>axis</c> (default 0) picked by an int32 or int64 index tensor,
/// which may be negative (documented from opset 11). The output shape is data[:axis] + indices + data[axis + 1:].
/// Gathers on build-time integers are folded by the shape folding pass; this operator runs the rest.
/// </summary>
internal sealed class GatherOperator : Operator
{
    public GatherOperator()
        : base("Gather", 1, 17)
    {
    }

    public override void InferShapes(Node node, ShapeContext context)
    {
        TensorInfo data = context.NumericInput(node, 0);
        TensorInfo indices = context.NumericInput(node, 1);
        if (!ElementTypes.IsInteger(indices.Type))
        {
            throw context.Error(node, $"the indices ('{indices.Name}') are {ElementTypes.Name(indices.Type)}, but Gather takes int32 or int64 indices");
        }

        int axis = Axis(node, context, data.Shape.Length);
        int length = data.Shape[axis];
        foreach (long index in indices.IntegerValues ?? System.Array.Empty<long>())
        {
            if (index < -length || index >= length)
            {
                throw context.Error(node, $"the index {index} lies outside axis {axis}, which has {length} entries, so indices must lie in [{-length}, {length - 1}]");
            }
        }

        int[] shape = data.Shape.Take(axis).Concat(indices.Shape).Concat(data.Shape.Skip(axis + 1)).ToArray();
        context.SetOutput(node, 0, data.Type, shape);
    }

    public override string DescribeAttributes(Node node, ShapeContext context) =>
        $"axis {Axis(node, context, context.Input(node, 0).Shape.Length)}";

    public override void EmitCpu(Node node, CpuEmitContext context)
    {
        int[] shape = context.Shapes.Input(node, 0).Shape;
        int axis = Axis(node, context.Shapes, shape.Length);
        (int outer, int inner) = StridedCopyEmitter.AroundAxis(shape, axis);
        context.Writer.Line(
            $"{CpuEmitContext.Kernels}Gathering.Gather({context.ReadInput(node, 0)}, {context.ReadInput(node, 1)}, {context.WriteOutput(node, 0)}, " +
            $"outer: {outer}, length: {shape[axis]}, inner: {inner});");
    }

    private static int Axis(Node node, ShapeContext context, int rank)
    {
        if (rank == 0)
        {
            throw context.Error(node, "the data is a scalar, which has no axis to gather along");
        }

        return StridedCopyEmitter.NormalizeAxis(node, context, node.GetInt(context, "axis", 0), rank, "axis");
    }
}
