using System;
using System.Collections.Generic;
using System.Linq;

namespace Kiln.Compiler.Operators;

/// <summary>The operators Kiln compiles, declared once; everything else is reported as unsupported.</summary>
internal static class OperatorRegistry
{
    /// <summary>
    /// Opset versions of the default domain that Kiln accepts. Each operator narrows this to the versions whose
    /// meaning it implements, so an old model compiles when all of its operators are covered.
    /// </summary>
    public const int FirstOpset = 1;

    public const int LastOpset = 17;

    private static readonly Dictionary<string, Operator> ByType = new Operator[]
    {
        new ConvOperator(),
        PoolOperator.MaxPool(),
        PoolOperator.AveragePool(),
        new GlobalPoolOperator("GlobalAveragePool", max: false),
        new GlobalPoolOperator("GlobalMaxPool", max: true),
        new BatchNormalizationOperator(),
        new LrnOperator(),
        new GemmOperator(),
        new MatMulOperator(),
        BinaryOperator.Arithmetic("Add", "AddOperator"),
        BinaryOperator.Arithmetic("Sub", "SubtractOperator"),
        BinaryOperator.Arithmetic("Mul", "MultiplyOperator"),
        BinaryOperator.Arithmetic("Div", "DivideOperator"),
        new UnaryOperator("Relu", "ReluOperator"),
        SoftmaxVariantOperator.Softmax(),
        ReshapeOperator.Flatten(),
        ReshapeOperator.Reshape(),
        new ConcatOperator(),
        new SplitOperator(),
        new PassthroughOperator("Identity", 1),
        new DropoutOperator(),
        new ConstantOperator(),
    }.Concat(MathOperators.All).Concat(DataMovementOperators.All).Concat(ReductionOperators.All).Concat(ConvolutionOperators.All).Concat(RecurrentOperators.All).ToDictionary(op => op.OpType, StringComparer.Ordinal);

    public static IEnumerable<Operator> All => ByType.Values;

    /// <summary>
    /// Finds the operator for <paramref name="opType"/> in the default domain at <paramref name="opset"/>, or at any
    /// opset when <paramref name="opset"/> is null; returns null when there is none.
    /// </summary>
    public static Operator? Find(string domain, string opType, int? opset)
    {
        if (domain.Length != 0 && domain != "ai.onnx")
        {
            return null;
        }

        if (!ByType.TryGetValue(opType, out Operator? op))
        {
            return null;
        }

        return opset is null || (opset >= op.FirstOpset && opset <= op.LastOpset) ? op : null;
    }

    public static string SupportedList => string.Join(", ", ByType.Keys.OrderBy(name => name, StringComparer.Ordinal));
}
