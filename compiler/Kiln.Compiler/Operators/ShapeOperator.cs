using Kiln.Compiler.Graph;
using Kiln.Compiler.Passes;

namespace Kiln.Compiler.Operators;

/// <summary>
/// Shape, opsets 1–17 (start and end from opset 15): the input's dimensions as int64. Shapes are static, so the shape
/// folding pass turns every Shape node into a constant before code is emitted. This operator states the claim, and
/// writes the same constant should a Shape node ever reach code.
/// </summary>
internal sealed class ShapeOperator : Operator
{
    public ShapeOperator()
        : base("Shape", 1, 17)
    {
    }

    public override void InferShapes(Node node, ShapeContext context)
    {
        context.Input(node, 0);
        (long[] dims, int[] shape) = ShapeFolding.FoldShape(node, context) ?? throw context.Error(node, "the input's shape is not known");
        context.SetOutput(node, 0, ElementType.Int64, shape, dims);
    }

    public override void EmitCpu(Node node, CpuEmitContext context)
    {
        string output = node.Outputs[0];
        long[] dims = context.Shapes.Tensor(output).IntegerValues!;
        context.Writer.Line($"{context.ConstantValues(output, dims)}.CopyTo({context.WriteOutput(node, 0)});");
    }

    /// <summary>
    /// Shape has a GPU kernel, for a Shape node that reaches code: each thread writes one dimension, chosen from the
    /// literal dimensions by its index.
    /// </summary>
    public override bool HasGpuKernels => true;

    public override void EmitGpu(Node node, GpuEmitContext context)
    {
        long[] dims = context.Shapes.Tensor(node.Outputs[0]).IntegerValues!;
        var views = new[] { ("y", context.WriteOutput(node, 0)) };
        context.ElementwiseKernelUnlessEmpty(node, OpType, dims.Length, views, () =>
        {
            // The last dimension ends the chain, so that every index of the loop has a value.
            string choice = Emit.Literals.Float(dims[dims.Length - 1]);
            for (int axis = dims.Length - 2; axis >= 0; axis--)
            {
                choice = $"i == {axis} ? {Emit.Literals.Float(dims[axis])} : {choice}";
            }

            context.Writer.Line($"y[i] = {choice};");
        });
    }
}
