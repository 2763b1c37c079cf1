using System.Runtime.Intrinsics;

namespace Kiln.Cpu;

/// <summary>Logistic sigmoid 1 / (1 + e^(−x)), with e^(−x) from Vector256.Exp in both forms.</summary>
public readonly struct SigmoidOperator : IUnaryOperator
{
    /// <inheritdoc/>
    public static float Apply(float x) => ScalarMath.ThroughVector<SigmoidOperator>(x);

    /// <inheritdoc/>
    /// <remarks>e^(−x) overflows to +∞ below x ≈ −88, which gives the exact limit 0.</remarks>
    public static Vector256<float> Apply(Vector256<float> x) =>
        Vector256<float>.One / (Vector256<float>.One + Vector256.Exp(-x));
}

/// <summary>Hyperbolic tangent, MathF.Tanh element by element (a formula through e^(2x) would lose precision near 0).</summary>
public readonly struct TanhOperator : IUnaryOperator
{
    /// <inheritdoc/>
    public static float Apply(float x) => MathF.Tanh(x);

    /// <inheritdoc/>
    public static Vector256<float> Apply(Vector256<float> x) => ScalarMath.EachElement<TanhOperator>(x);
}

/// <summary>
/// Softplus ln(1 + eˣ), computed in double as max(x, 0) + ln(1 + e^(−|x|)), so large x gives x instead of
/// overflowing and very negative x keeps its tiny positive value.
/// </summary>
public readonly struct SoftplusOperator : IUnaryOperator
{
    /// <inheritdoc/>
    public static float Apply(float x)
    {
        double value = x;
        return (float)(value > 0 ? value + ScalarMath.LogOnePlus(Math.Exp(-value)) : ScalarMath.LogOnePlus(Math.Exp(value)));
    }

    /// <inheritdoc/>
    public static Vector256<float> Apply(Vector256<float> x) => ScalarMath.EachElement<SoftplusOperator>(x);
}

/// <summary>Softsign x / (1 + |x|). As the formula gives, ±∞ becomes NaN.</summary>
public readonly struct SoftsignOperator : IUnaryOperator
{
    /// <inheritdoc/>
    public static float Apply(float x) => x / (1f + MathF.Abs(x));

    /// <inheritdoc/>
    public static Vector256<float> Apply(Vector256<float> x) => x / (Vector256<float>.One + Vector256.Abs(x));
}

/// <summary>HardSwish x · max(0, min(1, x/6 + 1/2)), with 1/6 rounded to float as the ONNX reference computes it.</summary>
public readonly struct HardSwishOperator : IUnaryOperator
{
    private const float Slope = 1f / 6f;

    /// <inheritdoc/>
    public static float Apply(float x) => x * MathF.Max(0f, MathF.Min(1f, x * Slope + 0.5f));

    /// <inheritdoc/>
    public static Vector256<float> Apply(Vector256<float> x) =>
        x * Vector256.Max(Vector256<float>.Zero, Vector256.Min(Vector256<float>.One, x * Vector256.Create(Slope) + Vector256.Create(0.5f)));
}

/// <summary>Parametric ReLU: a where a ≥ 0 and a·b where a &lt; 0, with a the input and b the slope. NaN inputs pass through.</summary>
public readonly struct PReluOperator : IBinaryOperator
{
    /// <inheritdoc/>
    public static float Apply(float a, float b) => a < 0f ? a * b : a;

    /// <inheritdoc/>
    public static Vector256<float> Apply(Vector256<float> a, Vector256<float> b) =>
        Vector256.ConditionalSelect(Vector256.LessThan(a, Vector256<float>.Zero), a * b, a);
}
