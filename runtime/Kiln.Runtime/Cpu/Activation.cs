using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Kiln.Cpu;

/// <summary>
/// Element-wise activations with parameters, y[i] = f(x[i]). In every method <c>y</c> may be the same span as
/// <c>x</c>, and NaN in gives NaN out unless the method's summary states otherwise.
/// </summary>
public static class Activation
{
    /// <summary>Computes LeakyRelu: x where x ≥ 0 and alpha·x where x &lt; 0.</summary>
    /// <param name="x">Input.</param>
    /// <param name="y">Output, as long as <paramref name="x"/>.</param>
    /// <param name="alpha">Slope for negative inputs.</param>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    public static void LeakyRelu(ReadOnlySpan<float> x, Span<float> y, float alpha) =>
        Vectorized(x, y, new LeakyReluFunction(alpha));

    /// <summary>Computes Elu: x where x ≥ 0 and alpha·(eˣ − 1) where x &lt; 0, in double precision.</summary>
    /// <param name="x">Input.</param>
    /// <param name="y">Output, as long as <paramref name="x"/>.</param>
    /// <param name="alpha">Scale of the negative part.</param>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    public static void Elu(ReadOnlySpan<float> x, Span<float> y, float alpha) =>
        ElementByElement(x, y, new EluFunction(alpha));

    /// <summary>Computes Selu: gamma·x where x &gt; 0 and gamma·alpha·(eˣ − 1) where x ≤ 0, in double precision.</summary>
    /// <param name="x">Input.</param>
    /// <param name="y">Output, as long as <paramref name="x"/>.</param>
    /// <param name="alpha">Scale of the negative part before <paramref name="gamma"/>.</param>
    /// <param name="gamma">Scale of the whole output.</param>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    public static void Selu(ReadOnlySpan<float> x, Span<float> y, float alpha, float gamma) =>
        ElementByElement(x, y, new SeluFunction(alpha, gamma));

    /// <summary>
    /// Computes Celu: max(0, x) + min(0, alpha·(e^(x/alpha) − 1)), which is x where x &gt; 0 and
    /// alpha·(e^(x/alpha) − 1) where x ≤ 0 for any nonzero alpha, in double precision.
    /// </summary>
    /// <param name="x">Input.</param>
    /// <param name="y">Output, as long as <paramref name="x"/>.</param>
    /// <param name="alpha">Scale; nonzero.</param>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="alpha"/> is 0.</exception>
    public static void Celu(ReadOnlySpan<float> x, Span<float> y, float alpha)
    {
        if (alpha == 0f)
        {
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "Celu divides by alpha, so alpha must not be 0.");
        }

        ElementByElement(x, y, new CeluFunction(alpha));
    }

    /// <summary>Computes HardSigmoid: max(0, min(1, alpha·x + beta)).</summary>
    /// <param name="x">Input.</param>
    /// <param name="y">Output, as long as <paramref name="x"/>.</param>
    /// <param name="alpha">Slope.</param>
    /// <param name="beta">Offset.</param>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    public static void HardSigmoid(ReadOnlySpan<float> x, Span<float> y, float alpha, float beta) =>
        Vectorized(x, y, new HardSigmoidFunction(alpha, beta));

    /// <summary>Computes ThresholdedRelu: x where x &gt; alpha, otherwise 0. NaN gives 0, as the comparison is false.</summary>
    /// <param name="x">Input.</param>
    /// <param name="y">Output, as long as <paramref name="x"/>.</param>
    /// <param name="alpha">Threshold.</param>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    public static void ThresholdedRelu(ReadOnlySpan<float> x, Span<float> y, float alpha) =>
        Vectorized(x, y, new ThresholdedReluFunction(alpha));

    /// <summary>
    /// Computes Shrink: x + bias where x &lt; −lambda, x − bias where x &gt; lambda, otherwise 0.
    /// NaN gives 0, as both comparisons are false.
    /// </summary>
    /// <param name="x">Input.</param>
    /// <param name="y">Output, as long as <paramref name="x"/>.</param>
    /// <param name="lambda">Half-width of the band around 0 that becomes 0 (the ONNX attribute <c>lambd</c>).</param>
    /// <param name="bias">Amount moved toward 0 outside the band.</param>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    public static void Shrink(ReadOnlySpan<float> x, Span<float> y, float lambda, float bias) =>
        Vectorized(x, y, new ShrinkFunction(lambda, bias));

    /// <summary>
    /// Computes Clip: min(max(x, min), max). NaN in x or in a bound gives NaN, as numpy's clip does, and
    /// min &gt; max gives max everywhere.
    /// </summary>
    /// <param name="x">Input.</param>
    /// <param name="y">Output, as long as <paramref name="x"/>.</param>
    /// <param name="min">Lower bound.</param>
    /// <param name="max">Upper bound.</param>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    public static void Clip(ReadOnlySpan<float> x, Span<float> y, float min, float max) =>
        Vectorized(x, y, new ClipFunction(min, max));

    private interface IFunction
    {
        /// <summary>Applies the activation to one element.</summary>
        /// <param name="x">Operand.</param>
        float Apply(float x);
    }

    private interface IVectorFunction : IFunction
    {
        /// <summary>Applies the activation to eight elements, with the results of the scalar form.</summary>
        /// <param name="x">Operands.</param>
        Vector256<float> Apply(Vector256<float> x);
    }

    private static void Vectorized<TFunction>(ReadOnlySpan<float> x, Span<float> y, TFunction function)
        where TFunction : struct, IVectorFunction
    {
        SpanChecks.RequireLength(nameof(y), y.Length, x.Length, "the length of x");
        int length = x.Length;
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref float xOrigin = ref MemoryMarshal.GetReference(x);
            ref float yOrigin = ref MemoryMarshal.GetReference(y);
            for (; i <= length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                function.Apply(Vector256.LoadUnsafe(ref xOrigin, (nuint)i)).StoreUnsafe(ref yOrigin, (nuint)i);
            }
        }

        for (; i < length; i++)
        {
            y[i] = function.Apply(x[i]);
        }
    }

    private static void ElementByElement<TFunction>(ReadOnlySpan<float> x, Span<float> y, TFunction function)
        where TFunction : struct, IFunction
    {
        SpanChecks.RequireLength(nameof(y), y.Length, x.Length, "the length of x");
        for (int i = 0; i < x.Length; i++)
        {
            y[i] = function.Apply(x[i]);
        }
    }

    /// <summary>LeakyRelu with slope <paramref name="alpha"/>, applied by the CPU kernels and by each GPU thread.</summary>
    public readonly struct LeakyReluFunction(float alpha) : IVectorFunction
    {
        /// <inheritdoc/>
        public float Apply(float x) => x < 0f ? alpha * x : x;

        /// <inheritdoc/>
        public Vector256<float> Apply(Vector256<float> x) =>
            Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256<float>.Zero), Vector256.Create(alpha) * x, x);
    }

    /// <summary>Elu with scale <paramref name="alpha"/>, applied by the CPU kernels and by each GPU thread.</summary>
    public readonly struct EluFunction(float alpha) : IFunction
    {
        /// <inheritdoc/>
        public float Apply(float x) => x < 0f ? (float)(alpha * ScalarMath.ExpMinusOne(x)) : x;
    }

    /// <summary>Selu with <paramref name="alpha"/> and <paramref name="gamma"/>, applied by the CPU kernels and by each GPU thread.</summary>
    public readonly struct SeluFunction(float alpha, float gamma) : IFunction
    {
        /// <inheritdoc/>
        public float Apply(float x) => (float)(x > 0f ? (double)gamma * x : (double)gamma * alpha * ScalarMath.ExpMinusOne(x));
    }

    /// <summary>Celu with a nonzero <paramref name="alpha"/>, applied by the CPU kernels and by each GPU thread.</summary>
    public readonly struct CeluFunction(float alpha) : IFunction
    {
        /// <inheritdoc/>
        public float Apply(float x) => x > 0f ? x : (float)(alpha * ScalarMath.ExpMinusOne((double)x / alpha));
    }

    /// <summary>HardSigmoid with <paramref name="alpha"/> and <paramref name="beta"/>, applied by the CPU kernels and by each GPU thread.</summary>
    public readonly struct HardSigmoidFunction(float alpha, float beta) : IVectorFunction
    {
        /// <inheritdoc/>
        public float Apply(float x) => ScalarMath.Maximum(0f, ScalarMath.Minimum(1f, alpha * x + beta));

        /// <inheritdoc/>
        public Vector256<float> Apply(Vector256<float> x) =>
            Vector256.Max(Vector256<float>.Zero, Vector256.Min(Vector256<float>.One, Vector256.Create(alpha) * x + Vector256.Create(beta)));
    }

    /// <summary>ThresholdedRelu with threshold <paramref name="alpha"/>, applied by the CPU kernels and by each GPU thread.</summary>
    public readonly struct ThresholdedReluFunction(float alpha) : IVectorFunction
    {
        /// <inheritdoc/>
        public float Apply(float x) => x > alpha ? x : 0f;

        /// <inheritdoc/>
        public Vector256<float> Apply(Vector256<float> x) => x & Vector256.GreaterThan(x, Vector256.Create(alpha));
    }

    /// <summary>Shrink with <paramref name="lambda"/> and <paramref name="bias"/>, applied by the CPU kernels and by each GPU thread.</summary>
    public readonly struct ShrinkFunction(float lambda, float bias) : IVectorFunction
    {
        /// <inheritdoc/>
        public float Apply(float x)
        {
            if (x < -lambda)
            {
                return x + bias;
            }

            return x > lambda ? x - bias : 0f;
        }

        /// <inheritdoc/>
        public Vector256<float> Apply(Vector256<float> x)
        {
            Vector256<float> below = Vector256.LessThan(x, Vector256.Create(-lambda));
            Vector256<float> above = Vector256.GreaterThan(x, Vector256.Create(lambda));
            Vector256<float> shifted = Vector256.ConditionalSelect(below, x + Vector256.Create(bias), x - Vector256.Create(bias));
            return shifted & (below | above);
        }
    }

    /// <summary>Clip to [<paramref name="min"/>, <paramref name="max"/>], applied by the CPU kernels and by each GPU thread.</summary>
    public readonly struct ClipFunction(float min, float max) : IVectorFunction
    {
        /// <inheritdoc/>
        public float Apply(float x) => ScalarMath.Minimum(ScalarMath.Maximum(x, min), max);

        /// <inheritdoc/>
        public Vector256<float> Apply(Vector256<float> x) => Vector256.Min(Vector256.Max(x, Vector256.Create(min)), Vector256.Create(max));
    }
}
