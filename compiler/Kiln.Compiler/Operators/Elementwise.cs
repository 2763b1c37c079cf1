using System.Linq;
using Kiln.Compiler.Emit;
using Kiln.Compiler.Graph;

namespace Kiln.Compiler.Operators;

/// <summary>
/// Add, Sub, Mul, Div, Pow and the comparisons Equal, Greater and Less, with multidirectional broadcasting (opsets
/// 7–17; before opset 7 broadcasting needed an attribute). Equal shapes run a flat SIMD loop; other shapes pass per-axis
/// strides, 0 on broadcast axes. Integer tensors are held as float32, so only Div needs its own integer form.
/// </summary>
internal sealed class BinaryOperator : Operator
{
    private readonly string _kernelOperator;
    private readonly bool _comparison;

    private BinaryOperator(string opType, string kernelOperator, bool comparison)
        : base(opType, 7, 17)
    {
        _kernelOperator = kernelOperator;
        _comparison = comparison;
    }

    /// <summary>An arithmetic operator, whose output has the element type of its first input.</summary>
    public static BinaryOperator Arithmetic(string opType, string kernelOperator) => new BinaryOperator(opType, kernelOperator, comparison: false);

    /// <summary>A comparison, whose output is bool (held as 1 and 0).</summary>
    public static BinaryOperator Comparison(string opType, string kernelOperator) => new BinaryOperator(opType, kernelOperator, comparison: true);

    public override void InferShapes(Node node, ShapeContext context)
    {
        TensorInfo a = context.NumericInput(node, 0);
        TensorInfo b = context.NumericInput(node, 1);
        int[] shape = Broadcasting.Shape(a.Shape, b.Shape)
            ?? throw context.Error(node, $"the input shapes {a.ShapeText} and {b.ShapeText} do not broadcast");
        context.SetOutput(node, 0, _comparison ? ElementType.Bool : a.Type, shape);
    }

    /// <summary>
    /// Every binary operator has GPU kernels: each thread applies the scalar form of the CPU path's operator struct,
    /// so both backends compute each element with the same code.
    /// </summary>
    public override bool HasGpuKernels => true;

    public override void EmitGpu(Node node, GpuEmitContext context)
    {
        int[] a = context.Shapes.Input(node, 0).Shape;
        int[] b = context.Shapes.Input(node, 1).Shape;
        int[] y = context.Shapes.Tensor(node.Outputs[0]).Shape;
        int count = y.Aggregate(1, (p, d) => p * d);
        string op = $"{CpuEmitContext.Kernels}{KernelOperator(node, context.Shapes)}.Apply";
        var views = new[] { ("a", context.ReadInput(node, 0)), ("b", context.ReadInput(node, 1)), ("y", context.WriteOutput(node, 0)) };

        // An input of the output's shape is read at i. A broadcast one steps by its own strides, 0 on broadcast axes.
        context.ElementwiseKernelUnlessEmpty(node, OpType, count, views, () =>
        {
            string[] indices = GpuBroadcasting.WriteIndices(context.Writer, y, new[] { (a, "aIndex"), (b, "bIndex") });
            context.Writer.Line($"y[i] = {op}(a[{indices[0]}], b[{indices[1]}]);");
        });
    }

    /// <summary>The runtime's operator struct for the node: ONNX Div on integers truncates toward zero.</summary>
    private string KernelOperator(Node node, ShapeContext shapes) =>
        OpType == "Div" && ElementTypes.IsInteger(shapes.Input(node, 0).Type) ? "TruncatedDivideOperator" : _kernelOperator;

    public override void EmitCpu(Node node, CpuEmitContext context)
    {
        int[] a = context.Shapes.Input(node, 0).Shape;
        int[] b = context.Shapes.Input(node, 1).Shape;
        int[] y = context.Shapes.Tensor(node.Outputs[0]).Shape;
        string kernel = $"{CpuEmitContext.Kernels}Elementwise";
        string op = $"{CpuEmitContext.Kernels}{KernelOperator(node, context.Shapes)}";
        if (a.SequenceEqual(b))
        {
            context.Writer.Line($"{kernel}.Binary<{op}>({context.ReadInput(node, 0)}, {context.ReadInput(node, 1)}, {context.WriteOutput(node, 0)});");
            return;
        }

        context.Writer.Line($"{kernel}.BroadcastBinary<{op}>(");
        context.Writer.Line($"    {context.ReadInput(node, 0)}, aStrides: {Literals.IntArray(Broadcasting.Strides(a, y))},");
        context.Writer.Line($"    {context.ReadInput(node, 1)}, bStrides: {Literals.IntArray(Broadcasting.Strides(b, y))},");
        context.Writer.Line($"    {context.WriteOutput(node, 0)}, shape: {Literals.IntArray(y)});");
    }
}

/// <summary>Element-wise activations with no attributes, such as Relu (opsets 6–17 share one meaning).</summary>
internal sealed class UnaryOperator : Operator
{
    private readonly string _kernelOperator;

    public UnaryOperator(string opType, string kernelOperator)
        : base(opType, 6, 17)
    {
        _kernelOperator = kernelOperator;
    }

    public override void InferShapes(Node node, ShapeContext context)
    {
        TensorInfo x = context.FloatInput(node, 0);
        context.SetOutput(node, 0, ElementType.Float, x.Shape);
    }

    /// <summary>Relu, the only operator of this class, has a GPU kernel: the CPU path's scalar form, which keeps NaN.</summary>
    public override bool HasGpuKernels => true;

    public override void EmitGpu(Node node, GpuEmitContext context)
    {
        int count = context.Shapes.Input(node, 0).ElementCount;
        var views = new[] { ("x", context.ReadInput(node, 0)), ("y", context.WriteOutput(node, 0)) };
        context.ElementwiseKernelUnlessEmpty(node, OpType, count, views, () => context.Writer.Line($"y[i] = {CpuEmitContext.Kernels}{_kernelOperator}.Apply(x[i]);"));
    }

    public override void EmitCpu(Node node, CpuEmitContext context)
    {
        context.Writer.Line($"{CpuEmitContext.Kernels}Elementwise.Unary<{CpuEmitContext.Kernels}{_kernelOperator}>({context.ReadInput(node, 0)}, {context.WriteOutput(node, 0)});");
    }
}
