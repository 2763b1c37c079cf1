namespace Kiln.Cpu;

/// <summary>Lp pooling, which shares the window geometry of max and average pooling.</summary>
public static partial class Pooling
{
    /// <summary>
    /// Computes the ONNX LpPool (Σ |x|^p)^(1/p) over each window, in double. Padded positions are zeros, so they add
    /// nothing to the sum.
    /// </summary>
    /// <param name="x">Input, Batch×Channels×InHeight×InWidth.</param>
    /// <param name="y">Output, Batch×Channels×OutHeight×OutWidth.</param>
    /// <param name="geometry">Sizes, strides, dilations and padding.</param>
    /// <param name="p">Order of the norm, at least 1.</param>
    /// <exception cref="ArgumentException">The geometry or <paramref name="p"/> is invalid, or a span has the wrong length.</exception>
    public static void LpPool2D(ReadOnlySpan<float> x, Span<float> y, in Pool2DGeometry geometry, int p)
    {
        CheckSpans(x, y, geometry);
        SpanChecks.RequirePositive(nameof(p), p);
        Pool2DGeometry g = geometry;
        int inPlane = g.InHeight * g.InWidth;
        int outPlane = g.OutHeight * g.OutWidth;
        for (int plane = 0; plane < g.Batch * g.Channels; plane++)
        {
            ReadOnlySpan<float> input = x.Slice(plane * inPlane, inPlane);
            Span<float> output = y.Slice(plane * outPlane, outPlane);
            for (int oh = 0; oh < g.OutHeight; oh++)
            {
                int top = oh * g.StrideHeight - g.PadTop;
                TapRange rows = TapRange.Inside(top, g.KernelHeight, g.DilationHeight, 0, g.InHeight);
                for (int ow = 0; ow < g.OutWidth; ow++)
                {
                    int left = ow * g.StrideWidth - g.PadLeft;
                    TapRange columns = TapRange.Inside(left, g.KernelWidth, g.DilationWidth, 0, g.InWidth);
                    double sum = 0;
                    for (int kh = rows.First; kh < rows.Last; kh++)
                    {
                        ReadOnlySpan<float> inputRow = input.Slice((top + kh * g.DilationHeight) * g.InWidth, g.InWidth);
                        for (int kw = columns.First; kw < columns.Last; kw++)
                        {
                            sum += Power(Math.Abs((double)inputRow[left + kw * g.DilationWidth]), p);
                        }
                    }

                    output[oh * g.OutWidth + ow] = (float)Root(sum, p);
                }
            }
        }
    }

    private static double Power(double magnitude, int p) => p switch
    {
        1 => magnitude,
        2 => magnitude * magnitude,
        _ => Math.Pow(magnitude, p),
    };

    private static double Root(double sum, int p) => p switch
    {
        1 => sum,
        2 => Math.Sqrt(sum),
        _ => Math.Pow(sum, 1.0 / p),
    };
}
