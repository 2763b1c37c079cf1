using System.Linq;
using Kiln.Compiler.Emit;
using Kiln.Compiler.Graph;

namespace Kiln.Compiler.Operators;

/// <summary>
/// Where, opsets 9–17: condition ? X : Y element by element, the three inputs broadcast multidirectionally to the
/// output. The output has X's element type.
/// </summary>
internal sealed class WhereOperator : Operator
{
    public WhereOperator()
        : base("Where", 9, 17)
    {
    }

    public override void InferShapes(Node node, ShapeContext context)
    {
        TensorInfo condition = context.NumericInput(node, 0);
        TensorInfo x = context.NumericInput(node, 1);
        TensorInfo y = context.NumericInput(node, 2);
        if (condition.Type != ElementType.Bool)
        {
            throw context.Error(node, $"the condition ('{condition.Name}') is {ElementTypes.Name(condition.Type)}, but Where takes a bool condition");
        }

        int[]? shape = Broadcasting.Shape(condition.Shape, x.Shape);
        shape = shape is null ? null : Broadcasting.Shape(shape, y.Shape);
        if (shape is null)
        {
            throw context.Error(node, $"the shapes {condition.ShapeText} (condition), {x.ShapeText} (X) and {y.ShapeText} (Y) do not broadcast together");
        }

        if (shape.Length > VariadicOperator.MaxBroadcastRank)
        {
            throw context.Error(node, $"the output has rank {shape.Length}, but Kiln broadcasts tensors of rank {VariadicOperator.MaxBroadcastRank} at most");
        }

        context.SetOutput(node, 0, x.Type, shape);
    }

    public override void EmitCpu(Node node, CpuEmitContext context)
    {
        int[] shape = context.Shapes.Tensor(node.Outputs[0]).Shape;
        string Strides(int position) => Literals.IntArray(Broadcasting.Strides(context.Shapes.Input(node, position).Shape, shape));
        context.Writer.Line($"{CpuEmitContext.Kernels}Selection.Where(");
        context.Writer.Line($"    {context.ReadInput(node, 0)}, conditionStrides: {Strides(0)},");
        context.Writer.Line($"    {context.ReadInput(node, 1)}, xStrides: {Strides(1)},");
        context.Writer.Line($"    {context.ReadInput(node, 2)}, otherwiseStrides: {Strides(2)},");
        context.Writer.Line($"    {context.WriteOutput(node, 0)}, shape: {Literals.IntArray(shape)});");
    }

    /// <summary>
    /// Where has a GPU kernel: each thread selects its element as the CPU path's <c>Selection.Where</c> does (any
    /// nonzero condition is true), reading each input through literal broadcast strides.
    /// </summary>
    public override bool HasGpuKernels => true;

    public override void EmitGpu(Node node, GpuEmitContext context)
    {
        int[] shape = context.Shapes.Tensor(node.Outputs[0]).Shape;
        var views = new[]
        {
            ("condition", context.ReadInput(node, 0)),
            ("x", context.ReadInput(node, 1)),
            ("otherwise", context.ReadInput(node, 2)),
            ("y", context.WriteOutput(node, 0)),
        };
        var inputs = new[]
        {
            (context.Shapes.Input(node, 0).Shape, "conditionIndex"),
            (context.Shapes.Input(node, 1).Shape, "xIndex"),
            (context.Shapes.Input(node, 2).Shape, "otherwiseIndex"),
        };
        context.ElementwiseKernelUnlessEmpty(node, OpType, shape.Aggregate(1, (p, d) => p * d), views, () =>
        {
            string[] indices = GpuBroadcasting.WriteIndices(context.Writer, shape, inputs);
            context.Writer.Line($"y[i] = condition[{indices[0]}] != 0f ? x[{indices[1]}] : otherwise[{indices[2]}];");
        });
    }
}
