namespace Kiln.Cpu;

/// <summary>The logarithm of the softmax function along one axis.</summary>
public static class LogSoftmax
{
    /// <summary>Inner positions handled together when the axis is not the last one, the length of two stack buffers.</summary>
    private const int InnerChunk = 256;

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
    public static void Forward(ReadOnlySpan<float> x, Span<float> y, int outer, int axisLength, int inner)
    {
        SpanChecks.RequireNonNegative(nameof(outer), outer);
        SpanChecks.RequireNonNegative(nameof(axisLength), axisLength);
        SpanChecks.RequireNonNegative(nameof(inner), inner);
        long length = (long)outer * axisLength * inner;
        string shape = $"outer×axisLength×inner = {outer}×{axisLength}×{inner}";
        SpanChecks.RequireLength(nameof(x), x.Length, length, shape);
        SpanChecks.RequireLength(nameof(y), y.Length, length, shape);
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

                // The exponentials go to the output first, which the final values then overwrite.
                float maximum = SpanMath.Maximum(row);
                float sum = SpanMath.ExpOfDifference(row, maximum, target);
                SpanMath.SubtractScaleAdd(row, maximum, 1f, -MathF.Log(sum), target);
            }

            return;
        }

        ForwardStrided(x, y, outer, axisLength, inner);
    }

    /// <summary>Computes the log-softmax when consecutive axis elements are <paramref name="inner"/> apart, vectorized across the inner positions.</summary>
    private static void ForwardStrided(ReadOnlySpan<float> x, Span<float> y, int outer, int axisLength, int inner)
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

                for (int i = 0; i < width; i++)
                {
                    sums[i] = MathF.Log(sums[i]);
                }

                for (int a = 0; a < axisLength; a++)
                {
                    Span<float> target = y.Slice(first + a * inner, width);
                    Elementwise.Binary<SubtractOperator>(x.Slice(first + a * inner, width), maxima, target);
                    Elementwise.Binary<SubtractOperator>(target, sums, target);
                }
            }
        }
    }
}
