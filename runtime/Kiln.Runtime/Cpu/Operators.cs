using System.Runtime.Intrinsics;

namespace Kiln.Cpu;

/// <summary>An element-wise binary operation with a scalar and a Vector256 form that give the same results.</summary>
public interface IBinaryOperator
{
    /// <summary>Applies the operation to one pair of elements.</summary>
    /// <param name="a">Left operand.</param>
    /// <param name="b">Right operand.</param>
    static abstract float Apply(float a, float b);

    /// <summary>Applies the operation to eight pairs of elements.</summary>
    /// <param name="a">Left operands.</param>
    /// <param name="b">Right operands.</param>
    static abstract Vector256<float> Apply(Vector256<float> a, Vector256<float> b);
}

/// <summary>An element-wise unary operation with a scalar and a Vector256 form that give the same results.</summary>
public interface IUnaryOperator
{
    /// <summary>Applies the operation to one element.</summary>
    /// <param name="x">Operand.</param>
    static abstract float Apply(float x);

    /// <summary>Applies the operation to eight elements.</summary>
    /// <param name="x">Operands.</param>
    static abstract Vector256<float> Apply(Vector256<float> x);
}

/// <summary>Addition a + b.</summary>
public readonly struct AddOperator : IBinaryOperator
{
    /// <inheritdoc/>
    public static float Apply(float a, float b) => a + b;

    /// <inheritdoc/>
    public static Vector256<float> Apply(Vector256<float> a, Vector256<float> b) => a + b;
}

/// <summary>Subtraction a − b.</summary>
public readonly struct SubtractOperator : IBinaryOperator
{
    /// <inheritdoc/>
    public static float Apply(float a, float b) => a - b;

    /// <inheritdoc/>
    public static Vector256<float> Apply(Vector256<float> a, Vector256<float> b) => a - b;
}

/// <summary>Multiplication a·b.</summary>
public readonly struct MultiplyOperator : IBinaryOperator
{
    /// <inheritdoc/>
    public static float Apply(float a, float b) => a * b;

    /// <inheritdoc/>
    public static Vector256<float> Apply(Vector256<float> a, Vector256<float> b) => a * b;
}

/// <summary>IEEE division a / b: a nonzero a over zero gives an infinity, and 0 / 0 gives NaN.</summary>
public readonly struct DivideOperator : IBinaryOperator
{
    /// <inheritdoc/>
    public static float Apply(float a, float b) => a / b;

    /// <inheritdoc/>
    public static Vector256<float> Apply(Vector256<float> a, Vector256<float> b) => a / b;
}

/// <summary>Rectified linear unit max(x, 0). NaN stays NaN, and −0 stays −0.</summary>
public readonly struct ReluOperator : IUnaryOperator
{
    /// <inheritdoc/>
    public static float Apply(float x) => x < 0f ? 0f : x;

    /// <inheritdoc/>
    /// <remarks>Clears the lanes where x &lt; 0. The comparison is false for NaN, so NaN lanes pass through.</remarks>
    public static Vector256<float> Apply(Vector256<float> x) =>
        Vector256.AndNot(x, Vector256.LessThan(x, Vector256<float>.Zero));
}
