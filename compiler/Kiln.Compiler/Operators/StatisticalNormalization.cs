using System.Collections.Generic;
using System.Linq;
using Kiln.Compiler.Emit;
using Kiln.Compiler.Graph;

namespace Kiln.Compiler.Operators;

/// <summary>InstanceNormalization, opsets 6–17: per image and channel, normalized over the spatial values.</summary>
internal sealed class InstanceNormalizationOperator : Operator
{
    public InstanceNormalizationOperator()
        : base("InstanceNormalization", 6, 17)
    {
    }

    public override void InferShapes(Node node, ShapeContext context)
    {
        TensorInfo x = context.FloatInput(node, 0);
        if (x.Shape.Length < 3)
        {
            throw context.Error(node, $"the input has shape {x.ShapeText}, but it needs at least N×C×D1");
        }

        string[] names = { "scale", "B" };
        for (int position = 1; position <= 2; position++)
        {
            TensorInfo parameter = context.FloatInput(node, position);
            if (parameter.Shape.Length != 1 || parameter.ElementCount != x.Shape[1])
            {
                throw context.Error(node, $"input '{names[position - 1]}' has shape {parameter.ShapeText}, but it must be a vector of {x.Shape[1]} values, one per channel");
            }
        }

        context.SetOutput(node, 0, ElementType.Float, x.Shape);
    }

    public override string DescribeAttributes(Node node, ShapeContext context) =>
        $"epsilon {Literals.Float(node.GetFloat(context, "epsilon", 1e-5f))}";

    public override void EmitCpu(Node node, CpuEmitContext context)
    {
        int[] shape = context.Shapes.Input(node, 0).Shape;
        int spatial = shape.Skip(2).Aggregate(1, (a, b) => a * b);
        float epsilon = node.GetFloat(context.Shapes, "epsilon", 1e-5f);
        context.Writer.Line($"{CpuEmitContext.Kernels}Normalization.InstanceNormalization(");
        context.Writer.Line($"    x: {context.ReadInput(node, 0)},");
        context.Writer.Line($"    scale: {context.ReadInput(node, 1)},");
        context.Writer.Line($"    bias: {context.ReadInput(node, 2)},");
        context.Writer.Line($"    y: {context.WriteOutput(node, 0)},");
        context.Writer.Line($"    batch: {shape[0]}, channels: {shape[1]}, spatial: {spatial}, epsilon: {Literals.Float(epsilon)});");
    }

    public override bool HasGpuKernels => true;

    /// <summary>One thread group per image and channel (see <see cref="NormalizationGpuEmitter"/>).</summary>
    public override void EmitGpu(Node node, GpuEmitContext context)
    {
        int[] shape = context.Shapes.Input(node, 0).Shape;
        int spatial = shape.Skip(2).Aggregate(1, (a, b) => a * b);
        float epsilon = node.GetFloat(context.Shapes, "epsilon", 1e-5f);
        var views = new[] { ("x", context.ReadInput(node, 0)), ("scale", context.ReadInput(node, 1)), ("bias", context.ReadInput(node, 2)), ("y", context.WriteOutput(node, 0)) };
        var rows = new NormalizationGpuEmitter.Rows(
            shape[0] * shape[1],
            spatial,
            (row, column) => $"({row} * {spatial}) + {column}",
            (row, column) => $"(centered * inverse * scale[{row} % {shape[1]}]) + bias[{row} % {shape[1]}]",
            $"1f / global::System.MathF.Sqrt(variance + {Literals.Float(epsilon)})",
            Statistics: null);
        NormalizationGpuEmitter.Emit(node, context, OpType, views, rows);
    }
}

/// <summary>
/// LayerNormalization, opset 17: normalized over the axes from <c>axis</c> (default −1) to the last, then scaled
/// and shifted. Scale and B must have one value per normalized element, so Kiln does not broadcast smaller ones.
/// The optional Mean and InvStdDev outputs are computed as float32, which is what the default stash_type 1 gives.
/// </summary>
internal sealed class LayerNormalizationOperator : Operator
{
    public LayerNormalizationOperator()
        : base("LayerNormalization", 17, 17)
    {
    }

    public override void InferShapes(Node node, ShapeContext context)
    {
        TensorInfo x = context.FloatInput(node, 0);
        (_, int columns, int axis) = Split(node, context, x.Shape);

        string[] names = { "Scale", "B" };
        for (int position = 1; position <= 2; position++)
        {
            if (position == 2 && context.OptionalInput(node, 2) is null)
            {
                continue;
            }

            TensorInfo parameter = context.FloatInput(node, position);
            if (parameter.ElementCount != columns)
            {
                throw context.Error(node, $"input '{names[position - 1]}' has shape {parameter.ShapeText}, but Kiln needs one value per normalized element ({columns}) and does not broadcast it");
            }
        }

        bool statisticsRequested = Enumerable.Range(1, 2).Any(position => HasOutput(node, position));
        if (statisticsRequested && node.GetInt(context, "stash_type", 1) != 1)
        {
            throw context.Error(node, "the Mean or InvStdDev output is requested with a stash_type other than 1 (float32), but Kiln computes those outputs as float32 only");
        }

        int[] statisticsShape = x.Shape.Select((dim, index) => index < axis ? dim : 1).ToArray();
        context.SetOutput(node, 0, ElementType.Float, x.Shape);
        context.SetOutput(node, 1, ElementType.Float, statisticsShape);
        context.SetOutput(node, 2, ElementType.Float, statisticsShape);
    }

    public override string DescribeAttributes(Node node, ShapeContext context) =>
        $"axis {node.GetInt(context, "axis", -1)}, epsilon {Literals.Float(node.GetFloat(context, "epsilon", 1e-5f))}";

    public override void EmitCpu(Node node, CpuEmitContext context)
    {
        (int rows, int columns, _) = Split(node, context.Shapes, context.Shapes.Input(node, 0).Shape);
        float epsilon = node.GetFloat(context.Shapes, "epsilon", 1e-5f);
        context.Writer.Line($"{CpuEmitContext.Kernels}Normalization.LayerNormalization(");
        context.Writer.Line($"    x: {context.ReadInput(node, 0)},");
        context.Writer.Line($"    scale: {context.ReadInput(node, 1)},");
        context.Writer.Line($"    bias: {context.ReadOptionalInput(node, 2)},");
        context.Writer.Line($"    y: {context.WriteOutput(node, 0)},");
        context.Writer.Line($"    mean: {(HasOutput(node, 1) ? context.WriteOutput(node, 1) : "default")},");
        context.Writer.Line($"    inverseStdDev: {(HasOutput(node, 2) ? context.WriteOutput(node, 2) : "default")},");
        context.Writer.Line($"    rows: {rows}, columns: {columns}, epsilon: {Literals.Float(epsilon)});");
    }

    public override bool HasGpuKernels => true;

    /// <summary>One thread group per row of the normalized axes (see <see cref="NormalizationGpuEmitter"/>).</summary>
    public override void EmitGpu(Node node, GpuEmitContext context)
    {
        (int rowCount, int columns, _) = Split(node, context.Shapes, context.Shapes.Input(node, 0).Shape);
        float epsilon = node.GetFloat(context.Shapes, "epsilon", 1e-5f);
        bool hasBias = context.Shapes.OptionalInput(node, 2) is not null;
        var views = new List<(string, string)> { ("x", context.ReadInput(node, 0)), ("scale", context.ReadInput(node, 1)), ("y", context.WriteOutput(node, 0)) };
        if (hasBias)
        {
            views.Add(("bias", context.ReadInput(node, 2)));
        }

        if (HasOutput(node, 1))
        {
            views.Add(("meanOutput", context.WriteOutput(node, 1)));
        }

        if (HasOutput(node, 2))
        {
            views.Add(("inverseStdDevOutput", context.WriteOutput(node, 2)));
        }

        void WriteStatistics()
        {
            if (HasOutput(node, 1))
            {
                context.Writer.Line("meanOutput[row] = mean;");
            }

            if (HasOutput(node, 2))
            {
                context.Writer.Line("inverseStdDevOutput[row] = inverse;");
            }
        }

        var rows = new NormalizationGpuEmitter.Rows(
            rowCount,
            columns,
            (row, column) => $"({row} * {columns}) + {column}",
            (row, column) => hasBias ? $"(centered * inverse * scale[{column}]) + bias[{column}]" : $"centered * inverse * scale[{column}]",
            $"1f / global::System.MathF.Sqrt(variance + {Literals.Float(epsilon)})",
            HasOutput(node, 1) || HasOutput(node, 2) ? WriteStatistics : null);
        NormalizationGpuEmitter.Emit(node, context, OpType, views, rows);
    }

    private static bool HasOutput(Node node, int position) => position < node.Outputs.Count && node.Outputs[position].Length > 0;

    private static (int Rows, int Columns, int Axis) Split(Node node, ShapeContext context, int[] shape)
    {
        int rank = shape.Length;
        long axis = node.GetInt(context, "axis", -1);
        if (rank == 0 || axis < -rank || axis >= rank)
        {
            throw context.Error(node, $"axis {axis} is outside the input's rank {rank}");
        }

        int a = (int)(axis < 0 ? axis + rank : axis);
        return (shape.Take(a).Aggregate(1, (p, d) => p * d), shape.Skip(a).Aggregate(1, (p, d) => p * d), a);
    }
}

/// <summary>
/// MeanVarianceNormalization, opsets 9–17: y = (x − mean)/(sqrt(variance) + 1e-9), with the statistics taken over
/// <c>axes</c> (default [0, 2, 3]).
/// </summary>
internal sealed class MeanVarianceNormalizationOperator : Operator
{
    public MeanVarianceNormalizationOperator()
        : base("MeanVarianceNormalization", 9, 17)
    {
    }

    public override void InferShapes(Node node, ShapeContext context)
    {
        TensorInfo x = context.FloatInput(node, 0);
        AxisMask.CheckRank(node, context, x.Shape.Length);
        _ = Axes(node, context, x.Shape.Length);
        context.SetOutput(node, 0, ElementType.Float, x.Shape);
    }

    public override string DescribeAttributes(Node node, ShapeContext context)
    {
        long[] axes = node.GetInts(context, "axes") ?? new long[] { 0, 2, 3 };
        return $"axes [{string.Join(", ", axes.Select(axis => Literals.Int(axis)))}]";
    }

    public override void EmitCpu(Node node, CpuEmitContext context)
    {
        int[] shape = context.Shapes.Input(node, 0).Shape;
        bool[] selected = Axes(node, context.Shapes, shape.Length);
        string shapeField = AxisMask.DeclareShape(context, node, shape, selected, out int mask);
        context.Writer.Line(
            $"{CpuEmitContext.Kernels}Normalization.MeanVarianceNormalization({context.ReadInput(node, 0)}, {context.WriteOutput(node, 0)}, " +
            $"{shapeField}, reducedAxes: 0x{mask:X});");
    }

    public override bool HasGpuKernels => true;

    /// <summary>
    /// One thread group per combination of the kept axes, reducing over the selected axes (see
    /// <see cref="NormalizationGpuEmitter"/>). The 1e-9 added to the standard deviation is the constant of the
    /// operator's ONNX function body.
    /// </summary>
    public override void EmitGpu(Node node, GpuEmitContext context)
    {
        int[] shape = context.Shapes.Input(node, 0).Shape;
        bool[] selected = Axes(node, context.Shapes, shape.Length);
        int[] strides = new int[shape.Length];
        int stride = 1;
        for (int axis = shape.Length - 1; axis >= 0; axis--)
        {
            strides[axis] = stride;
            stride *= shape[axis];
        }

        int[] kept = Enumerable.Range(0, shape.Length).Where(axis => !selected[axis]).ToArray();
        int[] reduced = Enumerable.Range(0, shape.Length).Where(axis => selected[axis]).ToArray();
        var views = new[] { ("x", context.ReadInput(node, 0)), ("y", context.WriteOutput(node, 0)) };
        var rows = new NormalizationGpuEmitter.Rows(
            kept.Aggregate(1, (product, axis) => product * shape[axis]),
            reduced.Aggregate(1, (product, axis) => product * shape[axis]),
            (row, column) => $"{Offset(row, kept, shape, strides)} + {Offset(column, reduced, shape, strides)}",
            (row, column) => "centered * inverse",
            "1f / (global::System.MathF.Sqrt(variance) + 1e-9f)",
            Statistics: null);
        NormalizationGpuEmitter.Emit(node, context, OpType, views, rows);
    }

    /// <summary>The expression of the input offset of <paramref name="index"/>, a row-major index over <paramref name="axes"/> of the input.</summary>
    private static string Offset(string index, int[] axes, int[] shape, int[] strides)
    {
        var terms = new List<string>();
        int inner = 1;
        for (int position = axes.Length - 1; position >= 0; position--)
        {
            int axis = axes[position];
            if (shape[axis] != 1)
            {
                terms.Add($"({index} / {inner} % {shape[axis]} * {strides[axis]})");
            }

            inner *= shape[axis];
        }

        return terms.Count == 0 ? "0" : "(" + string.Join(" + ", terms) + ")";
    }

    private static bool[] Axes(Node node, ShapeContext context, int rank) =>
        AxisMask.Select(node, context, node.GetInts(context, "axes") ?? new long[] { 0, 2, 3 }, rank);
}
