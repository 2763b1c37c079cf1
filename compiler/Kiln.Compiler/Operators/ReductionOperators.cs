using System.Collections.Generic;
using System.Linq;
using Kiln.Compiler.Emit;
using Kiln.Compiler.Graph;

namespace Kiln.Compiler.Operators;

/// <summary>Operators of one family, listed for <see cref="OperatorRegistry"/>.</summary>
internal static class ReductionOperators
{
    public static IEnumerable<Operator> All => new Operator[]
    {
        new ReduceOperator("ReduceSum", "Sum", axesInputFromOpset13: true),
        new ReduceOperator("ReduceMean", "Mean"),
        new ReduceOperator("ReduceMax", "Max"),
        new ReduceOperator("ReduceMin", "Min"),
        new ReduceOperator("ReduceProd", "Product"),
        new ReduceOperator("ReduceL1", "L1"),
        new ReduceOperator("ReduceL2", "L2"),
        new ReduceOperator("ReduceSumSquare", "SumSquare"),
        new ReduceOperator("ReduceLogSum", "LogSum"),
        new ReduceOperator("ReduceLogSumExp", "LogSumExp"),
        ArgExtremumOperator.ArgMax(),
        ArgExtremumOperator.ArgMin(),
        new InstanceNormalizationOperator(),
        new LayerNormalizationOperator(),
        new MeanVarianceNormalizationOperator(),
        new GlobalLpPoolOperator(),
        new LpPoolOperator(),
    };
}

/// <summary>
/// The ONNX Reduce operators on float32, opsets 1–17. The reduced axes come from the <c>axes</c> attribute, except
/// for ReduceSum from opset 13, which takes them from its optional second input (a build-time constant here) and
/// adds <c>noop_with_empty_axes</c>. Absent or empty axes reduce every axis unless <c>noop_with_empty_axes</c> is 1,
/// which copies the input. The other Reduce operators move <c>axes</c> to an input in opset 18, past Kiln's range.
/// </summary>
internal sealed class ReduceOperator : Operator
{
    private readonly string _kind;
    private readonly bool _axesInputFromOpset13;

    /// <param name="opType">The ONNX operator name.</param>
    /// <param name="kind">The member of <c>Kiln.Cpu.ReductionKind</c> that computes it.</param>
    /// <param name="axesInputFromOpset13">True for ReduceSum, whose axes become an input in opset 13.</param>
    public ReduceOperator(string opType, string kind, bool axesInputFromOpset13 = false)
        : base(opType, 1, 17)
    {
        _kind = kind;
        _axesInputFromOpset13 = axesInputFromOpset13;
    }

    public override void InferShapes(Node node, ShapeContext context)
    {
        TensorInfo x = context.FloatInput(node, 0);
        AxisMask.CheckRank(node, context, x.Shape.Length);
        bool[]? reduced = ReducedAxes(node, context, x.Shape.Length);
        if (reduced is null)
        {
            context.SetOutput(node, 0, ElementType.Float, x.Shape);
            return;
        }

        bool keepDims = node.GetInt(context, "keepdims", 1) != 0;
        var output = new List<int>();
        for (int axis = 0; axis < x.Shape.Length; axis++)
        {
            if (!reduced[axis])
            {
                output.Add(x.Shape[axis]);
            }
            else if (keepDims)
            {
                output.Add(1);
            }
        }

        context.SetOutput(node, 0, ElementType.Float, output.ToArray());
    }

    public override string DescribeAttributes(Node node, ShapeContext context)
    {
        int rank = context.Input(node, 0).Shape.Length;
        bool[]? reduced = ReducedAxes(node, context, rank);
        if (reduced is null)
        {
            return "no axes and noop_with_empty_axes 1: a copy";
        }

        int[] axes = Enumerable.Range(0, rank).Where(axis => reduced[axis]).ToArray();
        return $"axes {Literals.IntArray(axes)}, keepdims {node.GetInt(context, "keepdims", 1)}";
    }

    public override void EmitCpu(Node node, CpuEmitContext context)
    {
        int[] shape = context.Shapes.Input(node, 0).Shape;
        bool[]? reduced = ReducedAxes(node, context.Shapes, shape.Length);
        if (reduced is null)
        {
            context.Writer.Line($"{context.ReadInput(node, 0)}.CopyTo({context.WriteOutput(node, 0)});");
            return;
        }

        string shapeField = AxisMask.DeclareShape(context, node, shape, reduced, out int mask);
        context.Writer.Line(
            $"{CpuEmitContext.Kernels}Reduction.Reduce({context.ReadInput(node, 0)}, {context.WriteOutput(node, 0)}, " +
            $"{shapeField}, reducedAxes: 0x{mask:X}, {CpuEmitContext.Kernels}ReductionKind.{_kind});");
    }

    public override bool HasGpuKernels => true;

    public override void EmitGpu(Node node, GpuEmitContext context)
    {
        int[] shape = context.Shapes.Input(node, 0).Shape;
        bool[]? reduced = ReducedAxes(node, context.Shapes, shape.Length);
        if (reduced is null)
        {
            GpuStridedCopy.Emit(node, context, new[] { context.Shapes.Input(node, 0).ElementCount }, new[] { 1 });
            return;
        }

        GpuReduction.Emit(node, context, shape, reduced, _kind);
    }

    /// <summary>Returns which axes are reduced, or null when the node copies its input (no axes and noop_with_empty_axes = 1).</summary>
    private bool[]? ReducedAxes(Node node, ShapeContext context, int rank)
    {
        long[]? axes;
        bool noopWithEmptyAxes = false;
        if (_axesInputFromOpset13 && context.Opset >= 13)
        {
            // An empty axes tensor may be stored with no data field at all, so it has no integer values to read.
            TensorInfo? axesInput = context.OptionalInput(node, 1);
            axes = axesInput is null || axesInput.ElementCount == 0 ? null : context.ConstantIntegers(node, 1, "axes");
            noopWithEmptyAxes = node.GetInt(context, "noop_with_empty_axes", 0) != 0;
        }
        else
        {
            axes = node.GetInts(context, "axes");
        }

        if (axes is null || axes.Length == 0)
        {
            return noopWithEmptyAxes ? null : Enumerable.Repeat(true, rank).ToArray();
        }

        return AxisMask.Select(node, context, axes, rank);
    }
}

/// <summary>
/// GlobalLpPool, opsets 2–17: the Lp norm (Σ |x|^p)^(1/p) over the spatial values of each image and channel, with
/// the integer attribute p (default 2). Opset 1 took p as a float and is not claimed.
/// </summary>
internal sealed class GlobalLpPoolOperator : Operator
{
    public GlobalLpPoolOperator()
        : base("GlobalLpPool", 2, 17)
    {
    }

    public override void InferShapes(Node node, ShapeContext context)
    {
        TensorInfo x = context.FloatInput(node, 0);
        if (x.Shape.Length < 3)
        {
            throw context.Error(node, $"the input has shape {x.ShapeText}, but it needs at least N×C×D1");
        }

        long p = node.GetInt(context, "p", 2);
        if (p < 1 || p > int.MaxValue)
        {
            throw context.Error(node, $"p = {p} is invalid, because the order of the norm must be a positive integer");
        }

        int[] output = x.Shape.Select((dim, axis) => axis < 2 ? dim : 1).ToArray();
        context.SetOutput(node, 0, ElementType.Float, output);
    }

    public override string DescribeAttributes(Node node, ShapeContext context) => $"p {node.GetInt(context, "p", 2)}";

    public override void EmitCpu(Node node, CpuEmitContext context)
    {
        int[] shape = context.Shapes.Input(node, 0).Shape;
        int spatial = shape.Skip(2).Aggregate(1, (a, b) => a * b);
        context.Writer.Line(
            $"{CpuEmitContext.Kernels}Reduction.LpNorm({context.ReadInput(node, 0)}, {context.WriteOutput(node, 0)}, " +
            $"rows: {shape[0] * shape[1]}, columns: {spatial}, p: {node.GetInt(context.Shapes, "p", 2)});");
    }

    public override bool HasGpuKernels => true;

    /// <summary>One thread per channel plane sums |x|^p over its spatial values, in float.</summary>
    public override void EmitGpu(Node node, GpuEmitContext context)
    {
        int[] shape = context.Shapes.Input(node, 0).Shape;
        int spatial = shape.Skip(2).Aggregate(1, (a, b) => a * b);
        int p = (int)node.GetInt(context.Shapes, "p", 2);
        var views = new[] { ("x", context.ReadInput(node, 0)), ("y", context.WriteOutput(node, 0)) };
        context.ElementwiseKernel(node, OpType, shape[0] * shape[1], views, () =>
        {
            context.Writer.Line($"int first = i * {spatial};");
            context.Writer.Line("float sum = 0f;");
            using (context.Writer.Open($"for (int j = 0; j < {spatial}; j++)"))
            {
                context.Writer.Line("float value = x[first + j];");
                context.Writer.Line($"sum += {PoolingGpuEmitter.LpPower("value", p)};");
            }

            context.Writer.Line($"y[i] = {PoolingGpuEmitter.LpRoot("sum", p)};");
        });
    }
}

/// <summary>Axis lists turned into the shape and bit mask that the runtime's axis-mask kernels take.</summary>
internal static class AxisMask
{
    /// <summary>The runtime kernels name axes by the bits of an int.</summary>
    public const int MaxRank = 31;

    /// <summary>Rejects inputs of more than <see cref="MaxRank"/> axes.</summary>
    public static void CheckRank(Node node, ShapeContext context, int rank)
    {
        if (rank > MaxRank)
        {
            throw context.Error(node, $"the input has rank {rank}, but the kernel names axes by the bits of an int and takes at most {MaxRank}");
        }
    }

    /// <summary>Marks the axes in <paramref name="axes"/>, which may count from the end. An axis out of range or repeated is an error.</summary>
    public static bool[] Select(Node node, ShapeContext context, IEnumerable<long> axes, int rank)
    {
        var selected = new bool[rank];
        foreach (long axis in axes)
        {
            if (axis < -rank || axis >= rank)
            {
                throw context.Error(node, $"axis {axis} is outside the input's rank {rank}");
            }

            int normalized = (int)(axis < 0 ? axis + rank : axis);
            if (selected[normalized])
            {
                throw context.Error(node, $"axis {axis} is listed twice (as axis {normalized}), but each axis may appear once");
            }

            selected[normalized] = true;
        }

        return selected;
    }

    /// <summary>
    /// Declares the static shape field for an axis-mask kernel and returns its name. The shape is the one
    /// <see cref="Merge"/> returns, whose fewer axes make the kernel's offset tables cheaper to build.
    /// </summary>
    public static string DeclareShape(CpuEmitContext context, Node node, int[] shape, bool[] selected, out int mask)
    {
        (int[] dims, bool[] kinds) = Merge(shape, selected);
        mask = 0;
        for (int axis = 0; axis < kinds.Length; axis++)
        {
            if (kinds[axis])
            {
                mask |= 1 << axis;
            }
        }

        string initializer = "new int[] { " + string.Join(", ", dims.Select(dim => Literals.Int(dim))) + " }";
        return context.DeclareStatic("int[]", node.DisplayName + "Shape", initializer);
    }

    /// <summary>
    /// Drops dimensions of 1 and merges neighbouring axes of the same kind (both selected or both not), because neither
    /// changes a reduction or normalization over the selected axes. Returns the merged dimensions and which are selected.
    /// </summary>
    public static (int[] Dims, bool[] Kinds) Merge(int[] shape, bool[] selected)
    {
        var dims = new List<int>();
        var kinds = new List<bool>();
        for (int axis = 0; axis < shape.Length; axis++)
        {
            if (shape[axis] == 1)
            {
                continue;
            }

            if (kinds.Count > 0 && kinds[kinds.Count - 1] == selected[axis])
            {
                dims[dims.Count - 1] *= shape[axis];
                continue;
            }

            dims.Add(shape[axis]);
            kinds.Add(selected[axis]);
        }

        return (dims.ToArray(), kinds.ToArray());
    }
}
