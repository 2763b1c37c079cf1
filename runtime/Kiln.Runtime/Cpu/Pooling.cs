using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Kiln.Cpu;

/// <summary>Max and average pooling over NCHW tensors, windowed and global.</summary>
public static partial class Pooling
{
    /// <summary>
    /// Computes the maximum over each window. Padded positions are not read, and windows that reach past
    /// the padded input (ceil mode) are clipped to it. A window with a NaN gives NaN, and a window with no
    /// input position at all gives −∞.
    /// </summary>
    /// <param name="x">Input, Batch×Channels×InHeight×InWidth.</param>
    /// <param name="y">Output, Batch×Channels×OutHeight×OutWidth.</param>
    /// <param name="geometry">Sizes, strides, dilations and padding.</param>
    /// <exception cref="ArgumentException">The geometry is invalid or a span has the wrong length.</exception>
    public static void MaxPool2D(ReadOnlySpan<float> x, Span<float> y, in Pool2DGeometry geometry)
    {
        CheckSpans(x, y, geometry);
        Pool2DGeometry g = geometry;
        int inPlane = g.InHeight * g.InWidth;
        int outPlane = g.OutHeight * g.OutWidth;
        bool vectorized = Vector256.IsHardwareAccelerated && (g.StrideWidth == 1 || (g.StrideWidth == 2 && Avx2.IsSupported));

        // Output columns [vectorStart, vectorEnd) have every tap inside the input, and each block of 8 of them
        // reads 8·StrideWidth consecutive floats per tap that stay inside the input row.
        int vectorStart = vectorized ? Math.Min(g.OutWidth, (g.PadLeft + g.StrideWidth - 1) / g.StrideWidth) : 0;
        int vectorEnd = vectorStart;
        int lastTapOffset = (g.KernelWidth - 1) * g.DilationWidth - g.PadLeft;
        while (vectorized && vectorEnd + 8 <= g.OutWidth && vectorEnd * g.StrideWidth + lastTapOffset + 8 * g.StrideWidth <= g.InWidth)
        {
            vectorEnd += 8;
        }

        for (int plane = 0; plane < g.Batch * g.Channels; plane++)
        {
            ReadOnlySpan<float> input = x.Slice(plane * inPlane, inPlane);
            Span<float> output = y.Slice(plane * outPlane, outPlane);
            for (int oh = 0; oh < g.OutHeight; oh++)
            {
                int top = oh * g.StrideHeight - g.PadTop;
                TapRange rows = TapRange.Inside(top, g.KernelHeight, g.DilationHeight, 0, g.InHeight);
                Span<float> outputRow = output.Slice(oh * g.OutWidth, g.OutWidth);
                for (int ow = 0; ow < vectorStart; ow++)
                {
                    outputRow[ow] = WindowMaximum(input, top, rows, ow, g);
                }

                for (int ow = vectorStart; ow < vectorEnd; ow += 8)
                {
                    Vector256<float> maxima = Vector256.Create(float.NegativeInfinity);
                    for (int kh = rows.First; kh < rows.Last; kh++)
                    {
                        ReadOnlySpan<float> inputRow = input.Slice((top + kh * g.DilationHeight) * g.InWidth, g.InWidth);
                        for (int kw = 0; kw < g.KernelWidth; kw++)
                        {
                            int start = ow * g.StrideWidth - g.PadLeft + kw * g.DilationWidth;
                            Vector256<float> values = g.StrideWidth == 1
                                ? Vector256.Create(inputRow.Slice(start, 8))
                                : SpanMath.LoadEvenElements(inputRow.Slice(start, 16));

                            // Vector256.Max returns NaN when either operand is NaN, like MathF.Max. The NaN tests check it.
                            maxima = Vector256.Max(maxima, values);
                        }
                    }

                    maxima.CopyTo(outputRow[ow..]);
                }

                for (int ow = vectorEnd; ow < g.OutWidth; ow++)
                {
                    outputRow[ow] = WindowMaximum(input, top, rows, ow, g);
                }
            }
        }
    }

    /// <summary>Returns the maximum of one window, clipped to the input, or −∞ for a window with no input position.</summary>
    private static float WindowMaximum(ReadOnlySpan<float> input, int top, TapRange rows, int ow, in Pool2DGeometry g)
    {
        int left = ow * g.StrideWidth - g.PadLeft;
        TapRange columns = TapRange.Inside(left, g.KernelWidth, g.DilationWidth, 0, g.InWidth);
        float maximum = float.NegativeInfinity;
        for (int kh = rows.First; kh < rows.Last; kh++)
        {
            ReadOnlySpan<float> inputRow = input.Slice((top + kh * g.DilationHeight) * g.InWidth, g.InWidth);
            for (int kw = columns.First; kw < columns.Last; kw++)
            {
                // MathF.Max returns NaN when either operand is NaN.
                maximum = MathF.Max(maximum, inputRow[left + kw * g.DilationWidth]);
            }
        }

        return maximum;
    }

    /// <summary>
    /// Computes the average over each window. Padded positions add zero to the sum. Windows that reach past
    /// the padded input (ceil mode) are clipped to it.
    /// </summary>
    /// <param name="x">Input, Batch×Channels×InHeight×InWidth.</param>
    /// <param name="y">Output, Batch×Channels×OutHeight×OutWidth.</param>
    /// <param name="geometry">Sizes, strides, dilations and padding.</param>
    /// <param name="countIncludePad">
    /// ONNX count_include_pad. When true, the divisor counts the window's positions inside the padded input
    /// (rows −PadTop to InHeight+PadBottom−1, columns likewise) but not those past it. When false, it counts
    /// only real input positions, so a window with none of them gives 0/0 = NaN.
    /// </param>
    /// <exception cref="ArgumentException">The geometry is invalid or a span has the wrong length.</exception>
    public static void AveragePool2D(ReadOnlySpan<float> x, Span<float> y, in Pool2DGeometry geometry, bool countIncludePad)
    {
        CheckSpans(x, y, geometry);
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
                int paddedRows = countIncludePad
                    ? TapRange.Inside(top, g.KernelHeight, g.DilationHeight, -g.PadTop, g.InHeight + g.PadBottom).Count
                    : rows.Count;
                for (int ow = 0; ow < g.OutWidth; ow++)
                {
                    int left = ow * g.StrideWidth - g.PadLeft;
                    TapRange columns = TapRange.Inside(left, g.KernelWidth, g.DilationWidth, 0, g.InWidth);
                    int paddedColumns = countIncludePad
                        ? TapRange.Inside(left, g.KernelWidth, g.DilationWidth, -g.PadLeft, g.InWidth + g.PadRight).Count
                        : columns.Count;
                    float sum = 0f;
                    for (int kh = rows.First; kh < rows.Last; kh++)
                    {
                        ReadOnlySpan<float> inputRow = input.Slice((top + kh * g.DilationHeight) * g.InWidth, g.InWidth);
                        for (int kw = columns.First; kw < columns.Last; kw++)
                        {
                            sum += inputRow[left + kw * g.DilationWidth];
                        }
                    }

                    output[oh * g.OutWidth + ow] = sum / (paddedRows * paddedColumns);
                }
            }
        }
    }

    /// <summary>Computes the average of each of <paramref name="planes"/> planes of <paramref name="spatial"/> floats.</summary>
    /// <param name="x">Input, planes×spatial.</param>
    /// <param name="y">Output, one float per plane.</param>
    /// <param name="planes">Number of planes, usually Batch×Channels.</param>
    /// <param name="spatial">Floats per plane, usually Height×Width.</param>
    /// <exception cref="ArgumentException">A size is out of range or a span has the wrong length.</exception>
    public static void GlobalAveragePool(ReadOnlySpan<float> x, Span<float> y, int planes, int spatial)
    {
        CheckGlobalSpans(x, y, planes, spatial);
        for (int plane = 0; plane < planes; plane++)
        {
            y[plane] = SpanMath.Sum(x.Slice(plane * spatial, spatial)) / spatial;
        }
    }

    /// <summary>Computes the maximum of each of <paramref name="planes"/> planes of <paramref name="spatial"/> floats. A plane with a NaN gives NaN.</summary>
    /// <param name="x">Input, planes×spatial.</param>
    /// <param name="y">Output, one float per plane.</param>
    /// <param name="planes">Number of planes, usually Batch×Channels.</param>
    /// <param name="spatial">Floats per plane, usually Height×Width.</param>
    /// <exception cref="ArgumentException">A size is out of range or a span has the wrong length.</exception>
    public static void GlobalMaxPool(ReadOnlySpan<float> x, Span<float> y, int planes, int spatial)
    {
        CheckGlobalSpans(x, y, planes, spatial);
        for (int plane = 0; plane < planes; plane++)
        {
            y[plane] = SpanMath.Maximum(x.Slice(plane * spatial, spatial));
        }
    }

    private static void CheckSpans(ReadOnlySpan<float> x, Span<float> y, in Pool2DGeometry geometry)
    {
        geometry.Validate();
        Pool2DGeometry g = geometry;
        SpanChecks.RequireLength(nameof(x), x.Length, (long)g.Batch * g.Channels * g.InHeight * g.InWidth,
            $"Batch×Channels×InHeight×InWidth = {g.Batch}×{g.Channels}×{g.InHeight}×{g.InWidth}");
        SpanChecks.RequireLength(nameof(y), y.Length, (long)g.Batch * g.Channels * g.OutHeight * g.OutWidth,
            $"Batch×Channels×OutHeight×OutWidth = {g.Batch}×{g.Channels}×{g.OutHeight}×{g.OutWidth}");
    }

    private static void CheckGlobalSpans(ReadOnlySpan<float> x, Span<float> y, int planes, int spatial)
    {
        SpanChecks.RequireNonNegative(nameof(planes), planes);
        SpanChecks.RequirePositive(nameof(spatial), spatial);
        SpanChecks.RequireLength(nameof(x), x.Length, (long)planes * spatial, $"planes×spatial = {planes}×{spatial}");
        SpanChecks.RequireLength(nameof(y), y.Length, planes, "planes");
    }

    /// <summary>The taps [First, Last) of a window whose positions start + tap·dilation lie in a range.</summary>
    private readonly record struct TapRange(int First, int Last)
    {
        public int Count => Last - First;

        /// <summary>Returns the taps of a window of <paramref name="kernel"/> taps whose positions fall in [low, high).</summary>
        public static TapRange Inside(int start, int kernel, int dilation, int low, int high)
        {
            int first = start >= low ? 0 : CeilingDivide(low - start, dilation);
            int last = start >= high ? 0 : Math.Min(kernel, CeilingDivide(high - start, dilation));
            first = Math.Min(first, kernel);
            return new TapRange(first, Math.Max(first, last));
        }

        private static int CeilingDivide(int numerator, int denominator) => (numerator + denominator - 1) / denominator;
    }
}
