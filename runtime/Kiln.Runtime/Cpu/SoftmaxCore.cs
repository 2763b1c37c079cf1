namespace Kiln.Cpu;

/// <summary>The last step that turns a slice's maximum and sum of exponentials into Softmax or LogSoftmax values.</summary>
internal interface ISoftmaxFinish
{
    /// <summary>Finishes a contiguous slice whose exponentials (of x − maximum) are already in <paramref name="target"/>.</summary>
    static abstract void FinishRow(ReadOnlySpan<float> row, float maximum, float sum, Span<float> target);

    /// <summary>
    /// Finishes <c>sums.Length</c> interleaved slices starting at <paramref name="first"/>, whose axis elements are
    /// <paramref name="inner"/> apart; their exponentials are already in <paramref name="y"/>, and <paramref name="sums"/> may be overwritten.
    /// </summary>
    static abstract void FinishColumns(ReadOnlySpan<float> x, Span<float> y, int first, int axisLength, int inner, ReadOnlySpan<float> maxima, Span<float> sums);
}

/// <summary>
/// The shared loops of Softmax and LogSoftmax along the middle axis of an outer×axisLength×inner tensor: the maximum
/// of each slice, then the sum of exp(x − maximum), then the operator's own last step.
/// </summary>
internal static class SoftmaxCore
{
    /// <summary>Inner positions handled together when the axis is not the last one, the length of two stack buffers.</summary>
    private const int InnerChunk = 256;

    public static void Forward<TFinish>(ReadOnlySpan<float> x, Span<float> y, int outer, int axisLength, int inner)
        where TFinish : ISoftmaxFinish
    {
        SpanChecks.RequireNonNegative(nameof(outer), outer);
        SpanChecks.RequireNonNegative(nameof(axisLength), axisLength);
        SpanChecks.RequireNonNegative(nameof(inner), inner);
        long length = (long)outer * axisLength * inner;
        SpanChecks.RequireLength(nameof(x), x.Length, length, $"outer×axisLength×inner = {outer}×{axisLength}×{inner}");
        SpanChecks.RequireLength(nameof(y), y.Length, length, $"outer×axisLength×inner = {outer}×{axisLength}×{inner}");
        if (length == 0)
        {
            return;
        }

        if (inner == 1)
        {
            for (int o = 0; o < outer; o++)
            {
                ReadOnlySpan<float> row = x.Slice(o * axisLength, axisLength);
                Span<float> target = y.Slice(o * axisLength, axisLength);
                float maximum = SpanMath.Maximum(row);
                float sum = SpanMath.ExpOfDifference(row, maximum, target);
                TFinish.FinishRow(row, maximum, sum, target);
            }

            return;
        }

        ForwardStrided<TFinish>(x, y, outer, axisLength, inner);
    }

    /// <summary>Handles an axis whose consecutive elements are <paramref name="inner"/> apart, vectorized across the inner positions.</summary>
    private static void ForwardStrided<TFinish>(ReadOnlySpan<float> x, Span<float> y, int outer, int axisLength, int inner)
        where TFinish : ISoftmaxFinish
    {
        Span<float> maximaBuffer = stackalloc float[InnerChunk];
        Span<float> sumsBuffer = stackalloc float[InnerChunk];
        int block = axisLength * inner;
        for (int o = 0; o < outer; o++)
        {
            for (int chunkStart = 0; chunkStart < inner; chunkStart += InnerChunk)
            {
                int width = Math.Min(InnerChunk, inner - chunkStart);
                Span<float> maxima = maximaBuffer[..width];
                Span<float> sums = sumsBuffer[..width];
                int first = o * block + chunkStart;

                x.Slice(first, width).CopyTo(maxima);
                for (int a = 1; a < axisLength; a++)
                {
                    SpanMath.MaximumInPlace(maxima, x.Slice(first + a * inner, width));
                }

                sums.Clear();
                for (int a = 0; a < axisLength; a++)
                {
                    SpanMath.ExpOfDifference(x.Slice(first + a * inner, width), maxima, y.Slice(first + a * inner, width), sums);
                }

                TFinish.FinishColumns(x, y, first, axisLength, inner, maxima, sums);
            }
        }
    }
}
