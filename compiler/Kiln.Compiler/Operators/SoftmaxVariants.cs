using System.Linq;
using Kiln.Compiler.Graph;

namespace Kiln.Compiler.Operators;

/// <summary>
/// Softmax, LogSoftmax and Hardmax, which choose their axis the same way. Before opset 13 the input is flattened to
/// 2-D at <c>axis</c> (default 1) and the operator runs over the whole second part. From opset 13 it runs along the
/// single axis <c>axis</c> (default −1). The emitted code calls <c>Forward</c> of the runtime class of the same name.
/// </summary>
internal sealed class SoftmaxVariantOperator : Operator
{
    private SoftmaxVariantOperator(string opType)
        : base(opType, 1, 17)
    {
    }

    public static SoftmaxVariantOperator Softmax() => new SoftmaxVariantOperator("Softmax");

    public static SoftmaxVariantOperator LogSoftmax() => new SoftmaxVariantOperator("LogSoftmax");

    public static SoftmaxVariantOperator Hardmax() => new SoftmaxVariantOperator("Hardmax");

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
        context.Writer.Line($"{CpuEmitContext.Kernels}{OpType}.Forward({context.ReadInput(node, 0)}, {context.WriteOutput(node, 0)}, outer: {outer}, axisLength: {axisLength}, inner: {inner});");
    }

    /// <summary>Softmax, LogSoftmax and Hardmax have GPU kernels, for both opset rules.</summary>
    public override bool HasGpuKernels => true;

    /// <summary>
    /// One thread per row along the axis. Softmax and LogSoftmax find the maximum, then sum the exponentials of the
    /// differences from it; Hardmax marks the first maximum as the CPU path does, a NaN counting as the maximum.
    /// </summary>
    public override void EmitGpu(Node node, GpuEmitContext context)
    {
        (int outer, int axisLength, int inner) = Split(node, context.Shapes, context.Shapes.Input(node, 0).Shape);
        var views = new[] { ("x", context.ReadInput(node, 0)), ("y", context.WriteOutput(node, 0)) };
        Emit.SourceWriter writer = context.Writer;
        context.ElementwiseKernelUnlessEmpty(node, OpType, axisLength == 0 ? 0 : outer * inner, views, () =>
        {
            writer.Line($"int first = (i / {inner} * {axisLength * inner}) + (i % {inner});");
            if (OpType == "Hardmax")
            {
                WriteHardmaxRow(writer, axisLength, inner);
                return;
            }

            writer.Line("float maximum = x[first];");
            using (writer.Open($"for (int j = 1; j < {axisLength}; j++)"))
            {
                writer.Line($"float value = x[first + (j * {inner})];");
                writer.Line("maximum = value > maximum ? value : maximum;");
            }

            writer.Line();
            writer.Line("float sum = 0f;");
            using (writer.Open($"for (int j = 0; j < {axisLength}; j++)"))
            {
                writer.Line($"float exponential = global::System.MathF.Exp(x[first + (j * {inner})] - maximum);");
                if (OpType == "Softmax")
                {
                    writer.Line($"y[first + (j * {inner})] = exponential;");
                }

                writer.Line("sum += exponential;");
            }

            writer.Line();
            if (OpType == "Softmax")
            {
                using (writer.Open($"for (int j = 0; j < {axisLength}; j++)"))
                {
                    writer.Line($"y[first + (j * {inner})] /= sum;");
                }

                return;
            }

            // LogSoftmax: (x − max) − ln(sum), as the CPU path computes it.
            writer.Line("float logSum = global::System.MathF.Log(sum);");
            using (writer.Open($"for (int j = 0; j < {axisLength}; j++)"))
            {
                writer.Line($"y[first + (j * {inner})] = (x[first + (j * {inner})] - maximum) - logSum;");
            }
        });
    }

    /// <summary>Writes the body of a Hardmax row: the index of the first maximum (or first NaN), then the one-hot row.</summary>
    private static void WriteHardmaxRow(Emit.SourceWriter writer, int axisLength, int inner)
    {
        writer.Line("int best = 0;");
        writer.Line("float maximum = x[first];");
        using (writer.Open($"for (int j = 1; j < {axisLength} && !float.IsNaN(maximum); j++)"))
        {
            writer.Line($"float value = x[first + (j * {inner})];");
            using (writer.Open("if (value > maximum || float.IsNaN(value))"))
            {
                writer.Line("maximum = value;");
                writer.Line("best = j;");
            }
        }

        writer.Line();
        using (writer.Open($"for (int j = 0; j < {axisLength}; j++)"))
        {
            writer.Line($"y[first + (j * {inner})] = j == best ? 1f : 0f;");
        }
    }

    /// <summary>Splits the shape into the element counts before, along and after the axis, by the rule of the model's opset.</summary>
    private static (int Outer, int AxisLength, int Inner) Split(Node node, ShapeContext context, int[] shape)
    {
        int rank = shape.Length;
        long axis = node.GetInt(context, "axis", context.Opset < 13 ? 1 : -1);
        if (axis < -rank || axis >= System.Math.Max(rank, 1))
        {
            throw context.Error(node, $"axis {axis} is outside [{-rank}, {System.Math.Max(rank, 1) - 1}] for an input of rank {rank}");
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
