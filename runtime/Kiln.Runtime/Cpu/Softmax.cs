namespace Kiln.Cpu;

/// <summary>The softmax function along one axis.</summary>
public static class Softmax
{
    /// <summary>
    /// Computes y = exp(x − max) / Σ exp(x − max) along the middle axis of an outer×axisLength×inner tensor.
    /// Subtracting the maximum keeps exp from overflowing. A NaN makes its whole softmax NaN, and so does +∞.
    /// </summary>
    /// <param name="x">Input, outer×axisLength×inner.</param>
    /// <param name="y">Output, same shape as <paramref name="x"/>.</param>
    /// <param name="outer">Product of the dimensions before the axis.</param>
    /// <param name="axisLength">Length of the axis.</param>
    /// <param name="inner">Product of the dimensions after the axis.</param>
    /// <exception cref="ArgumentException">A size is negative or a span has the wrong length.</exception>
    public static void Forward(ReadOnlySpan<float> x, Span<float> y, int outer, int axisLength, int inner) =>
        SoftmaxCore.Forward<Finish>(x, y, outer, axisLength, inner);

    /// <summary>Divides the exponentials by their sum.</summary>
    private readonly struct Finish : ISoftmaxFinish
    {
        public static void FinishRow(ReadOnlySpan<float> row, float maximum, float sum, Span<float> target) =>
            SpanMath.Scale(target, 1f / sum);

        public static void FinishColumns(ReadOnlySpan<float> x, Span<float> y, int first, int axisLength, int inner, ReadOnlySpan<float> maxima, Span<float> sums)
        {
            for (int a = 0; a < axisLength; a++)
            {
                SpanMath.DivideInPlace(y.Slice(first + a * inner, sums.Length), sums);
            }
        }
    }
}
