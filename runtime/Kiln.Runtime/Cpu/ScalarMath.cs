using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Kiln.Cpu;

/// <summary>
/// Functions that .NET lacks or computes imprecisely near zero (erf, e^x − 1, ln(1 + x)), in double precision so
/// that their float results are accurate, and the bridge between scalar and Vector256 operator forms.
/// </summary>
internal static class ScalarMath
{
    private static readonly double TwoOverSqrtPi = 2 / Math.Sqrt(Math.PI);

    /// <summary>
    /// Returns the error function erf(x), within 3e-13 relative error of Python's math.erf on a grid over [0, 6].
    /// Below |x| = 2.5 it sums the series erf(x) = 2/√π · e^(−x²) · Σₙ 2ⁿ x^(2n+1) / (1·3·…·(2n+1)), whose terms
    /// are all positive. From 2.5 on it computes 1 − erfc(x) with the continued fraction
    /// erfc(x) = e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))).
    /// </summary>
    internal static double Erf(double x)
    {
        if (double.IsNaN(x))
        {
            return x;
        }

        double magnitude = Math.Abs(x);
        double result;
        if (magnitude < 2.5)
        {
            double square = magnitude * magnitude;
            double term = magnitude;
            double sum = magnitude;
            for (int n = 1; term > sum * 1e-12; n++)
            {
                term *= 2 * square / (2 * n + 1);
                sum += term;
            }

            result = TwoOverSqrtPi * Math.Exp(-square) * sum;
        }
        else
        {
            // The fraction is evaluated from level 20 up. That leaves a relative error near 1e-11 in erfc, which is at most 4.1e-4 here.
            double denominator = magnitude;
            for (int k = 20; k >= 1; k--)
            {
                denominator = magnitude + k * 0.5 / denominator;
            }

            result = 1 - Math.Exp(-magnitude * magnitude) / (Math.Sqrt(Math.PI) * denominator);
        }

        return x < 0 ? -result : result;
    }

    /// <summary>Returns e^x − 1 without the cancellation that makes <c>Math.Exp(x) - 1</c> inexact for tiny x.</summary>
    internal static double ExpMinusOne(double x) =>
        Math.Abs(x) < 1e-5 ? x + 0.5 * x * x : Math.Exp(x) - 1;

    /// <summary>Returns ln(1 + x) for x ≥ 0 without the rounding of 1 + x that makes <c>Math.Log(1 + x)</c> inexact for tiny x.</summary>
    internal static double LogOnePlus(double x) =>
        x < 1e-5 ? x - 0.5 * x * x : Math.Log(1 + x);

    /// <summary>
    /// Returns min(a, b), or NaN when either operand is NaN, as MathF.Min does in .NET. The NaN test is written out
    /// because ILGPU 1.5.3 compiles MathF.Min to PTX <c>min.f32</c>, which returns the other operand for a NaN.
    /// </summary>
    internal static float Minimum(float a, float b) => float.IsNaN(a) || float.IsNaN(b) ? a + b : MathF.Min(a, b);

    /// <summary>Returns max(a, b), or NaN when either operand is NaN, with the NaN test written out as in <see cref="Minimum"/>.</summary>
    internal static float Maximum(float a, float b) => float.IsNaN(a) || float.IsNaN(b) ? a + b : MathF.Max(a, b);

    /// <summary>
    /// Applies the scalar form of <typeparamref name="TOperator"/> to each element of <paramref name="x"/>. It serves
    /// as the Vector256 form of functions that have no vectorized formula.
    /// </summary>
    internal static Vector256<float> EachElement<TOperator>(Vector256<float> x)
        where TOperator : IUnaryOperator =>
        Vector256.Create(
            TOperator.Apply(x.GetElement(0)), TOperator.Apply(x.GetElement(1)),
            TOperator.Apply(x.GetElement(2)), TOperator.Apply(x.GetElement(3)),
            TOperator.Apply(x.GetElement(4)), TOperator.Apply(x.GetElement(5)),
            TOperator.Apply(x.GetElement(6)), TOperator.Apply(x.GetElement(7)));

    /// <summary>Applies the scalar form of <typeparamref name="TOperator"/> to each pair of elements of <paramref name="a"/> and <paramref name="b"/>.</summary>
    internal static Vector256<float> EachElement<TOperator>(Vector256<float> a, Vector256<float> b)
        where TOperator : IBinaryOperator =>
        Vector256.Create(
            TOperator.Apply(a.GetElement(0), b.GetElement(0)), TOperator.Apply(a.GetElement(1), b.GetElement(1)),
            TOperator.Apply(a.GetElement(2), b.GetElement(2)), TOperator.Apply(a.GetElement(3), b.GetElement(3)),
            TOperator.Apply(a.GetElement(4), b.GetElement(4)), TOperator.Apply(a.GetElement(5), b.GetElement(5)),
            TOperator.Apply(a.GetElement(6), b.GetElement(6)), TOperator.Apply(a.GetElement(7), b.GetElement(7)));

    /// <summary>
    /// Applies the Vector256 form of <typeparamref name="TOperator"/> to one element. It is the scalar form of
    /// functions whose vectorized formula (Vector256.Exp, Vector256.Log, …) may round differently from MathF. So a
    /// value gets the same result whether it falls in a full vector or in the tail of a span.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float ThroughVector<TOperator>(float x)
        where TOperator : IUnaryOperator =>
        TOperator.Apply(Vector256.Create(x)).ToScalar();
}
