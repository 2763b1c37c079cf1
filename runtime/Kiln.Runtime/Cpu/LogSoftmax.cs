namespace Kiln.Cpu;

/// <summary>The logarithm of the softmax function along one axis.</summary>
public static class LogSoftmax
{
    /// <summary>
    /// Computes y = (x − max) − ln Σ exp(x − max) along the middle axis of an outer×axisLength×inner tensor.
    /// Subtracting the maximum keeps exp from overflowing. A NaN makes its whole slice NaN, and so does +∞.
    /// </summary>
    /// <param name="x">Input, outer×axisLength×inner.</param>
    /// <param name="y">Output, same shape as <paramref name="x"/>; it must not overlap <paramref name="x"/>.</param>
    /// <param name="outer">Product of the dimensions before the axis.</param>
    /// <param name="axisLength">Length of the axis.</param>
    /// <param name="inner">Product of the dimensions after the axis.</param>
    /// <exception cref="ArgumentException">A size is negative or a span has the wrong length.</exception>
    public static void Forward(ReadOnlySpan<float> x, Span<float> y, int outer, int axisLength, int inner) =>
        SoftmaxCore.Forward<Finish>(x, y, outer, axisLength, inner);

    /// <summary>Overwrites the exponentials in the output with (x − max) − ln(sum).</summary>
    private readonly struct Finish : ISoftmaxFinish
    {
        public static void FinishRow(ReadOnlySpan<float> row, float maximum, float sum, Span<float> target) =>
            SpanMath.SubtractScaleAdd(row, maximum, 1f, -MathF.Log(sum), target);

        public static void FinishColumns(ReadOnlySpan<float> x, Span<float> y, int first, int axisLength, int inner, ReadOnlySpan<float> maxima, Span<float> sums)
        {
            for (int i = 0; i < sums.Length; i++)
            {
                sums[i] = MathF.Log(sums[i]);
            }

            for (int a = 0; a < axisLength; a++)
            {
                Span<float> target = y.Slice(first + a * inner, sums.Length);
                Elementwise.Binary<SubtractOperator>(x.Slice(first + a * inner, sums.Length), maxima, target);
                Elementwise.Binary<SubtractOperator>(target, sums, target);
            }
        }
    }
}
