using System.Runtime.Intrinsics;

namespace Kiln.Cpu;

// Comparisons give ONNX bool tensors, which Kiln stores as float32: 1 for true, 0 for false.
// A comparison with NaN is false, as in IEEE 754 and ONNX Runtime.

/// <summary>Equal: 1 where a = b, else 0.</summary>
public readonly struct EqualOperator : IBinaryOperator
{
    /// <inheritdoc/>
    public static float Apply(float a, float b) => a == b ? 1f : 0f;

    /// <inheritdoc/>
    public static Vector256<float> Apply(Vector256<float> a, Vector256<float> b) =>
        Vector256.Equals(a, b) & Vector256<float>.One;
}

/// <summary>Greater: 1 where a &gt; b, else 0.</summary>
public readonly struct GreaterOperator : IBinaryOperator
{
    /// <inheritdoc/>
    public static float Apply(float a, float b) => a > b ? 1f : 0f;

    /// <inheritdoc/>
    public static Vector256<float> Apply(Vector256<float> a, Vector256<float> b) =>
        Vector256.GreaterThan(a, b) & Vector256<float>.One;
}

/// <summary>Less: 1 where a &lt; b, else 0.</summary>
public readonly struct LessOperator : IBinaryOperator
{
    /// <inheritdoc/>
    public static float Apply(float a, float b) => a < b ? 1f : 0f;

    /// <inheritdoc/>
    public static Vector256<float> Apply(Vector256<float> a, Vector256<float> b) =>
        Vector256.LessThan(a, b) & Vector256<float>.One;
}

/// <summary>
/// Integer division a / b truncated toward zero, as ONNX Div computes on integer tensors held as float32. For
/// integers below 2^24 the rounded float quotient never crosses the next integer, so truncating it is exact.
/// </summary>
public readonly struct TruncatedDivideOperator : IBinaryOperator
{
    /// <inheritdoc/>
    public static float Apply(float a, float b) => MathF.Truncate(a / b);

    /// <inheritdoc/>
    public static Vector256<float> Apply(Vector256<float> a, Vector256<float> b) => Vector256.Truncate(a / b);
}
