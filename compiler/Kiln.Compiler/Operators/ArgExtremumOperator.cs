using System.Linq;
using Kiln.Compiler.Graph;

namespace Kiln.Compiler.Operators;

/// <summary>
/// ArgMax and ArgMin, opsets 1–17: the index of the largest or smallest value along <c>axis</c> (default 0;
/// negative from opset 11), with <c>keepdims</c> (default 1) and, from opset 12, <c>select_last_index</c> for ties.
/// The output is int64, held as floats.
/// </summary>
internal sealed class ArgExtremumOperator : Operator
{
    private readonly string _kernel;

    private ArgExtremumOperator(string opType, string kernel)
        : base(opType, 1, 17)
    {
        _kernel = kernel;
    }

    public static ArgExtremumOperator ArgMax() => new ArgExtremumOperator("ArgMax", "ArgMax");

    public static ArgExtremumOperator ArgMin() => new ArgExtremumOperator("ArgMin", "ArgMin");

    public override void InferShapes(Node node, ShapeContext context)
    {
        TensorInfo x = context.NumericInput(node, 0);
        int axis = Axis(node, context, x.Shape.Length);
        if (x.Shape[axis] == 0)
        {
            throw context.Error(node, $"axis {axis} has size 0, so there is no {(OpType == "ArgMax" ? "largest" : "smallest")} value to index");
        }

        bool keepDims = node.GetInt(context, "keepdims", 1) != 0;
        int[] shape = keepDims
            ? x.Shape.Select((dim, i) => i == axis ? 1 : dim).ToArray()
            : x.Shape.Where((_, i) => i != axis).ToArray();
        context.SetOutput(node, 0, ElementType.Int64, shape);
    }

    public override string DescribeAttributes(Node node, ShapeContext context)
    {
        int axis = Axis(node, context, context.Input(node, 0).Shape.Length);
        return $"axis {axis}, keepdims {node.GetInt(context, "keepdims", 1)}, select_last_index {SelectLastIndex(node, context)}";
    }

    public override void EmitCpu(Node node, CpuEmitContext context)
    {
        int[] shape = context.Shapes.Input(node, 0).Shape;
        int axis = Axis(node, context.Shapes, shape.Length);
        (int outer, int inner) = StridedCopyEmitter.AroundAxis(shape, axis);
        string last = SelectLastIndex(node, context.Shapes) != 0 ? "true" : "false";
        context.Writer.Line(
            $"{CpuEmitContext.Kernels}IndexOfExtremum.{_kernel}({context.ReadInput(node, 0)}, {context.WriteOutput(node, 0)}, " +
            $"outer: {outer}, length: {shape[axis]}, inner: {inner}, selectLastIndex: {last});");
    }

    public override bool HasGpuKernels => true;

    /// <summary>One thread per output element, which scans the axis, and neighbouring threads read neighbouring inner positions.</summary>
    public override void EmitGpu(Node node, GpuEmitContext context)
    {
        int[] shape = context.Shapes.Input(node, 0).Shape;
        int axis = Axis(node, context.Shapes, shape.Length);
        (int outer, int inner) = StridedCopyEmitter.AroundAxis(shape, axis);
        int length = shape[axis];
        if (outer * inner == 0)
        {
            return;
        }

        string compare = OpType == "ArgMax" ? ">" : "<";
        string tie = SelectLastIndex(node, context.Shapes) != 0 ? " || value == bestValue" : string.Empty;
        var views = new[] { ("x", context.ReadInput(node, 0)), ("y", context.WriteOutput(node, 0)) };
        context.ElementwiseKernel(node, OpType, outer * inner, views, () =>
        {
            Emit.SourceWriter writer = context.Writer;
            string first = inner == 1 ? $"i * {length}" : $"(i / {inner} * {length * inner}) + (i % {inner})";
            writer.Line($"int first = {first};");
            writer.Line("int best = 0;");
            writer.Line("float bestValue = x[first];");

            // A NaN is an extremum that nothing replaces, as in NumPy and ONNX Runtime.
            using (writer.Open($"for (int k = 1; k < {length} && !float.IsNaN(bestValue); k++)"))
            {
                writer.Line($"float value = x[first + (k * {inner})];");
                using (writer.Open($"if (float.IsNaN(value) || value {compare} bestValue{tie})"))
                {
                    writer.Line("best = k;");
                    writer.Line("bestValue = value;");
                }
            }

            writer.Line("y[i] = best;");
        });
    }

    private static int Axis(Node node, ShapeContext context, int rank)
    {
        if (rank == 0)
        {
            throw context.Error(node, "the input is a scalar, which has no axis to search");
        }

        return StridedCopyEmitter.NormalizeAxis(node, context, node.GetInt(context, "axis", 0), rank, "axis");
    }

    private static long SelectLastIndex(Node node, ShapeContext context) =>
        context.Opset >= 12 ? node.GetInt(context, "select_last_index", 0) : 0;
}
