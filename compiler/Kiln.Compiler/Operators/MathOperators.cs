using System.Collections.Generic;

namespace Kiln.Compiler.Operators;

/// <summary>The element-wise math and activation operators beyond the basic set; <see cref="OperatorRegistry"/> includes them all.</summary>
/// <remarks>
/// The first opset of each is the version from which its meaning for float tensors is the present one; earlier
/// versions had the legacy <c>consumed_inputs</c> attribute or other broadcasting rules. Where a later version changed
/// the meaning (Clip at 11, Min, Max, Sum and Mean at 8, LogSoftmax and Hardmax at 13), the operator follows the
/// model's opset. The other later versions only added element types.
/// </remarks>
internal static class MathOperators
{
    public static IEnumerable<Operator> All => new Operator[]
    {
        // Activations without attributes.
        new MathFunctionOperator("Sigmoid", "SigmoidOperator", 6),
        new MathFunctionOperator("Tanh", "TanhOperator", 6),
        new MathFunctionOperator("Softplus", "SoftplusOperator", 1),
        new MathFunctionOperator("Softsign", "SoftsignOperator", 1),
        new MathFunctionOperator("HardSwish", "HardSwishOperator", 14),

        // Activations with float attributes.
        new ActivationOperator("LeakyRelu", 6, new ActivationParameter("alpha", "alpha", 0.01f)),
        new ActivationOperator("Elu", 6, new ActivationParameter("alpha", "alpha", 1f)),
        new ActivationOperator("Selu", 6, new ActivationParameter("alpha", "alpha", 1.67326319f), new ActivationParameter("gamma", "gamma", 1.05070102f)),
        new ActivationOperator("Celu", 12, new ActivationParameter("alpha", "alpha", 1f, MustBeNonzero: true)),
        new ActivationOperator("HardSigmoid", 6, new ActivationParameter("alpha", "alpha", 0.2f), new ActivationParameter("beta", "beta", 0.5f)),
        new ActivationOperator("ThresholdedRelu", 10, new ActivationParameter("alpha", "alpha", 1f)),
        new ActivationOperator("Shrink", 9, new ActivationParameter("lambd", "lambda", 0.5f), new ActivationParameter("bias", "bias", 0f)),
        new ClipOperator(),
        new PReluOperator(),

        // Unary math functions.
        new MathFunctionOperator("Exp", "ExpOperator", 6),
        new MathFunctionOperator("Log", "LogOperator", 6),
        new MathFunctionOperator("Sqrt", "SqrtOperator", 6),
        new MathFunctionOperator("Neg", "NegateOperator", 6, integers: true),
        new MathFunctionOperator("Abs", "AbsoluteOperator", 6, integers: true),
        new MathFunctionOperator("Reciprocal", "ReciprocalOperator", 6),
        new MathFunctionOperator("Floor", "FloorOperator", 6),
        new MathFunctionOperator("Ceil", "CeilingOperator", 6),
        new MathFunctionOperator("Round", "RoundOperator", 11),
        new MathFunctionOperator("Sign", "SignOperator", 9, integers: true),
        new MathFunctionOperator("Erf", "ErfOperator", 9),
        new MathFunctionOperator("Sin", "SinOperator", 7),
        new MathFunctionOperator("Cos", "CosOperator", 7),
        new MathFunctionOperator("Tan", "TanOperator", 7),
        new MathFunctionOperator("Asin", "AsinOperator", 7),
        new MathFunctionOperator("Acos", "AcosOperator", 7),
        new MathFunctionOperator("Atan", "AtanOperator", 7),
        new MathFunctionOperator("Sinh", "SinhOperator", 9),
        new MathFunctionOperator("Cosh", "CoshOperator", 9),
        new MathFunctionOperator("Asinh", "AsinhOperator", 9),
        new MathFunctionOperator("Acosh", "AcoshOperator", 9),
        new MathFunctionOperator("Atanh", "AtanhOperator", 9),

        // Binary and variadic operators with broadcasting.
        BinaryOperator.Arithmetic("Pow", "PowerOperator"),
        BinaryOperator.Comparison("Equal", "EqualOperator"),
        BinaryOperator.Comparison("Greater", "GreaterOperator"),
        BinaryOperator.Comparison("Less", "LessOperator"),
        VariadicOperator.Min(),
        VariadicOperator.Max(),
        VariadicOperator.Sum(),
        VariadicOperator.Mean(),

        // Relatives of Softmax.
        SoftmaxVariantOperator.LogSoftmax(),
        SoftmaxVariantOperator.Hardmax(),
    };
}
