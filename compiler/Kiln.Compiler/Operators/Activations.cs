using System;
using System.Collections.Generic;
using System.Linq;
using Kiln.Compiler.Emit;
using Kiln.Compiler.Graph;

namespace Kiln.Compiler.Operators;

/// <summary>A float attribute of an activation and the name of the runtime kernel's argument that receives it.</summary>
internal sealed record ActivationParameter(string Attribute, string Argument, float DefaultValue, bool MustBeNonzero = false);

/// <summary>
/// An element-wise activation with float attributes, such as LeakyRelu or HardSigmoid. The emitted code calls the
/// kernel of the same name in <c>Kiln.Cpu.Activation</c> with the attribute values as literals.
/// </summary>
internal sealed class ActivationOperator : Operator
{
    private readonly ActivationParameter[] _parameters;

    /// <param name="opType">The ONNX operator, which is also the name of the kernel method.</param>
    /// <param name="firstOpset">The opset from which the operator has its present meaning. Later versions only added element types.</param>
    /// <param name="parameters">The attributes, in the order of the kernel's arguments.</param>
    public ActivationOperator(string opType, int firstOpset, params ActivationParameter[] parameters)
        : base(opType, firstOpset, 17)
    {
        _parameters = parameters;
    }

    public override void InferShapes(Node node, ShapeContext context)
    {
        TensorInfo x = context.FloatInput(node, 0);
        foreach (ActivationParameter parameter in _parameters)
        {
            float value = node.GetFloat(context, parameter.Attribute, parameter.DefaultValue);
            if (parameter.MustBeNonzero && value == 0f)
            {
                throw context.Error(node, $"attribute '{parameter.Attribute}' is 0, but {OpType} divides by it, so it must be nonzero");
            }
        }

        context.SetOutput(node, 0, ElementType.Float, x.Shape);
    }

    public override string DescribeAttributes(Node node, ShapeContext context) =>
        string.Join(", ", _parameters.Select(p => $"{p.Attribute} {Literals.Float(node.GetFloat(context, p.Attribute, p.DefaultValue))}"));

    public override void EmitCpu(Node node, CpuEmitContext context)
    {
        string arguments = string.Concat(_parameters.Select(p =>
            $", {p.Argument}: {Literals.Float(node.GetFloat(context.Shapes, p.Attribute, p.DefaultValue))}"));
        context.Writer.Line($"{CpuEmitContext.Kernels}Activation.{OpType}({context.ReadInput(node, 0)}, {context.WriteOutput(node, 0)}{arguments});");
    }

    /// <summary>
    /// Every activation has a GPU kernel: each thread applies the CPU path's function struct (<c>Activation.LeakyReluFunction</c>
    /// and so on) to one element, so both backends compute each element with the same code.
    /// </summary>
    public override bool HasGpuKernels => true;

    public override void EmitGpu(Node node, GpuEmitContext context)
    {
        int count = context.Shapes.Input(node, 0).ElementCount;
        string arguments = string.Join(", ", _parameters.Select(p =>
            $"{p.Argument}: {Literals.Float(node.GetFloat(context.Shapes, p.Attribute, p.DefaultValue))}"));
        string function = $"new {CpuEmitContext.Kernels}Activation.{OpType}Function({arguments})";
        var views = new[] { ("x", context.ReadInput(node, 0)), ("y", context.WriteOutput(node, 0)) };
        context.ElementwiseKernelUnlessEmpty(node, OpType, count, views, () => context.Writer.Line($"y[i] = {function}.Apply(x[i]);"));
    }
}

/// <summary>
/// Clip. Before opset 11 the bounds are the float attributes <c>min</c> and <c>max</c>; from opset 11 they are the
/// optional inputs 1 and 2, one value each, which may be computed at run time. The ONNX specification defines an
/// omitted bound as the lowest or the highest finite float, so Clip maps ±∞ to ±<c>float.MaxValue</c>.
/// </summary>
internal sealed class ClipOperator : Operator
{
    public ClipOperator()
        : base("Clip", 6, 17)
    {
    }

    public override void InferShapes(Node node, ShapeContext context)
    {
        TensorInfo x = context.NumericInput(node, 0);
        if (context.Opset >= 11)
        {
            CheckBound(node, context, 1, "lower bound");
            CheckBound(node, context, 2, "upper bound");
        }
        else
        {
            _ = node.GetFloat(context, "min", float.MinValue);
            _ = node.GetFloat(context, "max", float.MaxValue);
        }

        context.SetOutput(node, 0, x.Type, x.Shape);
    }

    public override string DescribeAttributes(Node node, ShapeContext context)
    {
        if (context.Opset < 11)
        {
            return $"min {Literals.Float(node.GetFloat(context, "min", float.MinValue))}, max {Literals.Float(node.GetFloat(context, "max", float.MaxValue))}";
        }

        string? min = node.OptionalInput(1);
        string? max = node.OptionalInput(2);
        return $"min {(min is null ? "omitted" : $"from '{min}'")}, max {(max is null ? "omitted" : $"from '{max}'")}";
    }

    public override void EmitCpu(Node node, CpuEmitContext context)
    {
        (string min, string max) = Bounds(node, context.Shapes, position => $"{context.ReadInput(node, position)}[0]");
        context.Writer.Line($"{CpuEmitContext.Kernels}Activation.Clip({context.ReadInput(node, 0)}, {context.WriteOutput(node, 0)}, min: {min}, max: {max});");
    }

    /// <summary>
    /// Clip has a GPU kernel in every form: each thread applies the CPU path's <c>Activation.ClipFunction</c>, with the
    /// bounds as literals (attributes, omitted inputs) or read from their one-element tensors (inputs, constant or computed).
    /// </summary>
    public override bool HasGpuKernels => true;

    public override void EmitGpu(Node node, GpuEmitContext context)
    {
        int count = context.Shapes.Input(node, 0).ElementCount;
        var views = new List<(string Local, string View)> { ("x", context.ReadInput(node, 0)), ("y", context.WriteOutput(node, 0)) };
        (string min, string max) = Bounds(node, context.Shapes, position =>
        {
            string local = position == 1 ? "minimum" : "maximum";
            views.Add((local, context.ReadInput(node, position)));
            return $"{local}[0]";
        });

        string function = $"new {CpuEmitContext.Kernels}Activation.ClipFunction(min: {min}, max: {max})";
        context.ElementwiseKernelUnlessEmpty(node, OpType, count, views, () => context.Writer.Line($"y[i] = {function}.Apply(x[i]);"));
    }

    /// <summary>
    /// The C# expressions for the lower and upper bound: literals of the attributes before opset 11, and from opset 11
    /// <paramref name="readBound"/> of the input position, or the lowest or highest finite float for an omitted input.
    /// </summary>
    private static (string Min, string Max) Bounds(Node node, ShapeContext shapes, Func<int, string> readBound)
    {
        if (shapes.Opset < 11)
        {
            return (Literals.Float(node.GetFloat(shapes, "min", float.MinValue)), Literals.Float(node.GetFloat(shapes, "max", float.MaxValue)));
        }

        string min = node.OptionalInput(1) is null ? "float.MinValue" : readBound(1);
        string max = node.OptionalInput(2) is null ? "float.MaxValue" : readBound(2);
        return (min, max);
    }

    private static void CheckBound(Node node, ShapeContext context, int position, string purpose)
    {
        if (node.OptionalInput(position) is null)
        {
            return;
        }

        TensorInfo bound = context.NumericInput(node, position);
        if (bound.ElementCount != 1)
        {
            throw context.Error(node, $"input {position} ('{bound.Name}') gives the {purpose} and must contain one value, but its shape is {bound.ShapeText}");
        }
    }
}

/// <summary>
/// PRelu from opset 7, where the slope broadcasts to the input in one direction only (opset 6 had other rules).
/// The output has the input's shape. The emitted code is that of Add and Mul, with the PRelu operator struct.
/// </summary>
internal sealed class PReluOperator : Operator
{
    private static readonly BinaryOperator Emitter = BinaryOperator.Arithmetic("PRelu", "PReluOperator");

    public PReluOperator()
        : base("PRelu", 7, 17)
    {
    }

    public override void InferShapes(Node node, ShapeContext context)
    {
        TensorInfo x = context.FloatInput(node, 0);
        TensorInfo slope = context.FloatInput(node, 1);
        int[]? shape = Broadcasting.Shape(x.Shape, slope.Shape);
        if (shape is null || !shape.SequenceEqual(x.Shape))
        {
            throw context.Error(node, $"the slope shape {slope.ShapeText} does not broadcast to the input shape {x.ShapeText}, and PRelu broadcasts only the slope, never the input");
        }

        if (!slope.Shape.SequenceEqual(x.Shape) && x.Shape.Length > VariadicOperator.MaxBroadcastRank)
        {
            throw context.Error(node, $"the input has rank {x.Shape.Length}, but Kiln broadcasts tensors of rank {VariadicOperator.MaxBroadcastRank} at most");
        }

        context.SetOutput(node, 0, ElementType.Float, x.Shape);
    }

    public override void EmitCpu(Node node, CpuEmitContext context) => Emitter.EmitCpu(node, context);

    public override bool HasGpuKernels => true;

    public override void EmitGpu(Node node, GpuEmitContext context) => Emitter.EmitGpu(node, context);
}
