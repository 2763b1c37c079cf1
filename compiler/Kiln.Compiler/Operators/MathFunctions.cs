using System;
using System.Collections.Generic;
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

    /// <summary>
    /// Each GPU thread applies the scalar form of the CPU path's operator struct to one element, except for these
    /// functions: their scalar forms run through Vector256 (so that the scalar and SIMD paths agree bit for bit) or
    /// pass a MidpointRounding, which ILGPU cannot compile. The GPU computes them with MathF, within a few ulps.
    /// </summary>
    private static readonly Dictionary<string, string> GpuExpressions = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["ExpOperator"] = "global::System.MathF.Exp(x[i])",
        ["LogOperator"] = "global::System.MathF.Log(x[i])",
        ["SinOperator"] = "global::System.MathF.Sin(x[i])",
        ["CosOperator"] = "global::System.MathF.Cos(x[i])",
        ["SigmoidOperator"] = "1f / (1f + global::System.MathF.Exp(-x[i]))",
        ["RoundOperator"] = "global::System.MathF.Round(x[i])",
    };

    public override bool HasGpuKernels => true;

    public override void EmitGpu(Node node, GpuEmitContext context)
    {
        int count = context.Shapes.Input(node, 0).ElementCount;
        string expression = GpuExpressions.TryGetValue(_kernelOperator, out string? special) ? special : $"{CpuEmitContext.Kernels}{_kernelOperator}.Apply(x[i])";
        var views = new[] { ("x", context.ReadInput(node, 0)), ("y", context.WriteOutput(node, 0)) };
        context.ElementwiseKernelUnlessEmpty(node, OpType, count, views, () => context.Writer.Line($"y[i] = {expression};"));
    }

    public override void EmitCpu(Node node, CpuEmitContext context)
    {
        context.Writer.Line($"{CpuEmitContext.Kernels}Elementwise.Unary<{CpuEmitContext.Kernels}{_kernelOperator}>({context.ReadInput(node, 0)}, {context.WriteOutput(node, 0)});");
    }
}
