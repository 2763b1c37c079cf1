using Kiln.Compiler.Graph;

namespace Kiln.Compiler.Operators;

/// <summary>
/// An element-wise function without attributes, such as Exp, Floor or Sigmoid, computed by one operator struct of the
/// runtime through <c>Elementwise.Unary</c>. The output has the input's shape.
/// </summary>
internal sealed class MathFunctionOperator : Operator
{
    private readonly string _kernelOperator;
    private readonly bool _integers;

    /// <param name="opType">The ONNX operator.</param>
    /// <param name="kernelOperator">The runtime struct in <c>Kiln.Cpu</c> that implements IUnaryOperator.</param>
    /// <param name="firstOpset">The opset from which the operator has its present meaning. Later versions only added element types.</param>
    /// <param name="integers">True when ONNX defines the function on integers too (Neg, Abs, Sign), whose results stay integers.</param>
    public MathFunctionOperator(string opType, string kernelOperator, int firstOpset, bool integers = false)
        : base(opType, firstOpset, 17)
    {
        _kernelOperator = kernelOperator;
        _integers = integers;
    }

    public override void InferShapes(Node node, ShapeContext context)
    {
        TensorInfo x = _integers ? context.NumericInput(node, 0) : context.FloatInput(node, 0);
        context.SetOutput(node, 0, x.Type, x.Shape);
    }

    public override void EmitCpu(Node node, CpuEmitContext context)
    {
        context.Writer.Line($"{CpuEmitContext.Kernels}Elementwise.Unary<{CpuEmitContext.Kernels}{_kernelOperator}>({context.ReadInput(node, 0)}, {context.WriteOutput(node, 0)});");
    }
}
