namespace Kiln.Cpu;

/// <summary>The hardmax function along one axis: a one-hot marker of the maximum.</summary>
public static class Hardmax
{
    /// <summary>Inner positions handled together when the axis is not the last one, the length of two stack buffers.</summary>
    private const int InnerChunk = 256;

    /// <summary>
    /// Sets y to 1 at the first maximum along the middle axis of an outer×axisLength×inner tensor and to 0
    /// elsewhere. As numpy's argmax, a NaN counts as the maximum, so the first NaN of a slice gets the 1.
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
        SpanChecks.RequireLength(nameof(x), x.Length, length, $"outer×axisLength×inner = {outer}×{axisLength}×{inner}");
        SpanChecks.RequireLength(nameof(y), y.Length, length, $"outer×axisLength×inner = {outer}×{axisLength}×{inner}");
        if (length == 0)
        {
            return;
        }

        y.Clear();
        if (inner == 1)
        {
            for (int o = 0; o < outer; o++)
            {
                y[o * axisLength + FirstMaximum(x.Slice(o * axisLength, axisLength))] = 1f;
            }

            return;
        }

        MarkStrided(x, y, outer, axisLength, inner);
    }

    /// <summary>Returns the index of the first maximum of a nonempty span, or of its first NaN.</summary>
    private static int FirstMaximum(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 0; i < values.Length; i++)
        {
            if (float.IsNaN(values[i]))
            {
                return i;
            }

            if (values[i] > values[best])
            {
                best = i;
            }
        }

        return best;
    }

    /// <summary>Marks the maxima when consecutive axis elements are <paramref name="inner"/> apart, walking the axis once per chunk of inner positions.</summary>
    private static void MarkStrided(ReadOnlySpan<float> x, Span<float> y, int outer, int axisLength, int inner)
    {
        Span<float> maximaBuffer = stackalloc float[InnerChunk];
        Span<int> indicesBuffer = stackalloc int[InnerChunk];
        int block = axisLength * inner;
        for (int o = 0; o < outer; o++)
        {
            for (int chunkStart = 0; chunkStart < inner; chunkStart += InnerChunk)
            {
                int width = Math.Min(InnerChunk, inner - chunkStart);
                Span<float> maxima = maximaBuffer[..width];
                Span<int> indices = indicesBuffer[..width];
                int first = o * block + chunkStart;

                x.Slice(first, width).CopyTo(maxima);
                indices.Clear();
                for (int a = 1; a < axisLength; a++)
                {
                    ReadOnlySpan<float> values = x.Slice(first + a * inner, width);
                    for (int i = 0; i < width; i++)
                    {
                        // A NaN maximum is final, and a later NaN replaces any number.
                        if (!float.IsNaN(maxima[i]) && (values[i] > maxima[i] || float.IsNaN(values[i])))
                        {
                            maxima[i] = values[i];
                            indices[i] = a;
                        }
                    }
                }

                for (int i = 0; i < width; i++)
                {
                    y[first + indices[i] * inner + i] = 1f;
                }
            }
        }
    }
}
