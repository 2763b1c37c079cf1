namespace Kiln.Cpu;

/// <summary>Max and average pooling over N×C×D×H×W tensors, and MaxPool's Indices output.</summary>
public static partial class Pooling
{
    /// <summary>Largest count of positions whose indices float32 represents exactly: 2^24.</summary>
    private const int ExactFloatIntegerLimit = 1 << 24;

    /// <summary>
    /// Computes the maximum over each 3-D window. Padded positions are not read, and windows that reach past the
    /// padded input (ceil mode) are clipped to it. A window with a NaN gives NaN, and a window with no input
    /// position at all gives −∞.
    /// </summary>
    /// <param name="x">Input, Batch×Channels×InDepth×InHeight×InWidth.</param>
    /// <param name="y">Output, Batch×Channels×OutDepth×OutHeight×OutWidth.</param>
    /// <param name="geometry">Sizes, strides, dilations and padding.</param>
    /// <exception cref="ArgumentException">The geometry is invalid or a span has the wrong length.</exception>
    public static void MaxPool3D(ReadOnlySpan<float> x, Span<float> y, in Pool3DGeometry geometry)
    {
        CheckSpans(x, y, geometry);
        MaximaAndIndices(x, y, default, geometry, columnMajor: false);
    }

    /// <summary>
    /// Computes the maximum over each 3-D window, as <see cref="MaxPool3D"/> does, and the ONNX MaxPool Indices
    /// output: the position of each maximum in the input flattened to one dimension. With <paramref name="columnMajor"/>
    /// false (ONNX storage_order 0), position (d, h, w) of plane p = n·Channels + c has the index
    /// p·InDepth·InHeight·InWidth + (d·InHeight + h)·InWidth + w. With it true (storage_order 1), the spatial part is
    /// d + (h + w·InHeight)·InDepth instead, and the plane part stays the same. The ONNX specification leaves that plane
    /// part open, so Kiln follows ONNX Runtime's CPU kernel (onnxruntime/core/providers/cpu/nn/pool_functors.h).
    /// Of equal maxima the first in row-major order wins, and of NaNs the first NaN. A window with no input position gets −1.
    /// </summary>
    /// <param name="x">Input, Batch×Channels×InDepth×InHeight×InWidth.</param>
    /// <param name="y">Output, Batch×Channels×OutDepth×OutHeight×OutWidth.</param>
    /// <param name="indices">
    /// The Indices output, same shape as <paramref name="y"/>. ONNX types it int64, but Kiln stores every tensor as
    /// float32, so an index is exact up to 2^24, and a larger input is rejected.
    /// </param>
    /// <param name="geometry">Sizes, strides, dilations and padding.</param>
    /// <param name="columnMajor">Whether the spatial part of an index counts the input column-major (ONNX storage_order 1).</param>
    /// <exception cref="ArgumentException">The geometry is invalid, the input has more than 2^24 floats, or a span has the wrong length.</exception>
    public static void MaxPool3DWithIndices(ReadOnlySpan<float> x, Span<float> y, Span<float> indices, in Pool3DGeometry geometry, bool columnMajor)
    {
        CheckSpans(x, y, geometry);
        SpanChecks.RequireLength(nameof(indices), indices.Length, y.Length, "the length of y");
        if (x.Length > ExactFloatIntegerLimit)
        {
            throw new ArgumentException(
                $"The input has {x.Length} floats, but the indices of MaxPool are held as float32, which is exact only up to {ExactFloatIntegerLimit} positions.",
                nameof(x));
        }

        MaximaAndIndices(x, y, indices, geometry, columnMajor);
    }

    /// <summary>
    /// Computes the average over each 3-D window. Padded positions add zero to the sum. Windows that reach past
    /// the padded input (ceil mode) are clipped to it.
    /// </summary>
    /// <param name="x">Input, Batch×Channels×InDepth×InHeight×InWidth.</param>
    /// <param name="y">Output, Batch×Channels×OutDepth×OutHeight×OutWidth.</param>
    /// <param name="geometry">Sizes, strides, dilations and padding.</param>
    /// <param name="countIncludePad">
    /// ONNX count_include_pad. When true, the divisor counts the window's positions inside the padded input but not
    /// those past it. When false, it counts only real input positions, so a window with none of them gives 0/0 = NaN.
    /// </param>
    /// <exception cref="ArgumentException">The geometry is invalid or a span has the wrong length.</exception>
    public static void AveragePool3D(ReadOnlySpan<float> x, Span<float> y, in Pool3DGeometry geometry, bool countIncludePad)
    {
        CheckSpans(x, y, geometry);
        Pool3DGeometry g = geometry;
        int inSpatial = g.InSpatial;
        int outSpatial = g.OutSpatial;
        for (int plane = 0; plane < g.Batch * g.Channels; plane++)
        {
            ReadOnlySpan<float> input = x.Slice(plane * inSpatial, inSpatial);
            Span<float> output = y.Slice(plane * outSpatial, outSpatial);
            int outIndex = 0;
            for (int od = 0; od < g.OutDepth; od++)
            {
                int front = od * g.StrideDepth - g.PadFront;
                (TapRange planes, int paddedPlanes) = AverageTaps(front, g.KernelDepth, g.DilationDepth, g.InDepth, g.PadFront, g.PadBack, countIncludePad);
                for (int oh = 0; oh < g.OutHeight; oh++)
                {
                    int top = oh * g.StrideHeight - g.PadTop;
                    (TapRange rows, int paddedRows) = AverageTaps(top, g.KernelHeight, g.DilationHeight, g.InHeight, g.PadTop, g.PadBottom, countIncludePad);
                    for (int ow = 0; ow < g.OutWidth; ow++, outIndex++)
                    {
                        int left = ow * g.StrideWidth - g.PadLeft;
                        (TapRange columns, int paddedColumns) = AverageTaps(left, g.KernelWidth, g.DilationWidth, g.InWidth, g.PadLeft, g.PadRight, countIncludePad);
                        float sum = 0f;
                        for (int kd = planes.First; kd < planes.Last; kd++)
                        {
                            int d = front + kd * g.DilationDepth;
                            for (int kh = rows.First; kh < rows.Last; kh++)
                            {
                                ReadOnlySpan<float> inputRow = input.Slice(((d * g.InHeight) + top + kh * g.DilationHeight) * g.InWidth, g.InWidth);
                                for (int kw = columns.First; kw < columns.Last; kw++)
                                {
                                    sum += inputRow[left + kw * g.DilationWidth];
                                }
                            }
                        }

                        output[outIndex] = sum / (paddedPlanes * paddedRows * paddedColumns);
                    }
                }
            }
        }
    }

    /// <summary>
    /// Returns the taps of a window along one axis that read the input, and how many of its taps the average divides
    /// by: those inside the padded input when <paramref name="countIncludePad"/> is true, else the same taps.
    /// </summary>
    private static (TapRange Taps, int Divisor) AverageTaps(int start, int kernel, int dilation, int size, int padBegin, int padEnd, bool countIncludePad)
    {
        TapRange taps = TapRange.Inside(start, kernel, dilation, 0, size);
        int divisor = countIncludePad ? TapRange.Inside(start, kernel, dilation, -padBegin, size + padEnd).Count : taps.Count;
        return (taps, divisor);
    }

    /// <summary>Writes each window's maximum to y and, unless <paramref name="indices"/> is empty, its flattened input position.</summary>
    private static void MaximaAndIndices(ReadOnlySpan<float> x, Span<float> y, Span<float> indices, in Pool3DGeometry geometry, bool columnMajor)
    {
        Pool3DGeometry g = geometry;
        bool withIndices = !indices.IsEmpty;
        int inSpatial = g.InSpatial;
        int outSpatial = g.OutSpatial;
        for (int plane = 0; plane < g.Batch * g.Channels; plane++)
        {
            ReadOnlySpan<float> input = x.Slice(plane * inSpatial, inSpatial);
            int outIndex = plane * outSpatial;
            for (int od = 0; od < g.OutDepth; od++)
            {
                int front = od * g.StrideDepth - g.PadFront;
                TapRange planes = TapRange.Inside(front, g.KernelDepth, g.DilationDepth, 0, g.InDepth);
                for (int oh = 0; oh < g.OutHeight; oh++)
                {
                    int top = oh * g.StrideHeight - g.PadTop;
                    TapRange rows = TapRange.Inside(top, g.KernelHeight, g.DilationHeight, 0, g.InHeight);
                    for (int ow = 0; ow < g.OutWidth; ow++, outIndex++)
                    {
                        int left = ow * g.StrideWidth - g.PadLeft;
                        TapRange columns = TapRange.Inside(left, g.KernelWidth, g.DilationWidth, 0, g.InWidth);
                        float maximum = float.NegativeInfinity;
                        int position = -1;
                        for (int kd = planes.First; kd < planes.Last; kd++)
                        {
                            int d = front + kd * g.DilationDepth;
                            for (int kh = rows.First; kh < rows.Last; kh++)
                            {
                                int h = top + kh * g.DilationHeight;
                                int rowStart = ((d * g.InHeight) + h) * g.InWidth;
                                for (int kw = columns.First; kw < columns.Last; kw++)
                                {
                                    int w = left + kw * g.DilationWidth;
                                    float value = input[rowStart + w];

                                    // A NaN replaces any number, but no later value replaces a NaN, so the window gives NaN like MathF.Max.
                                    if (value > maximum || (float.IsNaN(value) && !float.IsNaN(maximum)) || position < 0)
                                    {
                                        maximum = value;
                                        position = columnMajor ? d + ((h + w * g.InHeight) * g.InDepth) : rowStart + w;
                                    }
                                }
                            }
                        }

                        y[outIndex] = maximum;
                        if (withIndices)
                        {
                            indices[outIndex] = position < 0 ? -1f : (plane * inSpatial) + position;
                        }
                    }
                }
            }
        }
    }

    private static void CheckSpans(ReadOnlySpan<float> x, Span<float> y, in Pool3DGeometry geometry)
    {
        geometry.Validate();
        Pool3DGeometry g = geometry;
        SpanChecks.RequireLength(nameof(x), x.Length, (long)g.Batch * g.Channels * g.InSpatial,
            $"Batch×Channels×InDepth×InHeight×InWidth = {g.Batch}×{g.Channels}×{g.InDepth}×{g.InHeight}×{g.InWidth}");
        SpanChecks.RequireLength(nameof(y), y.Length, (long)g.Batch * g.Channels * g.OutSpatial,
            $"Batch×Channels×OutDepth×OutHeight×OutWidth = {g.Batch}×{g.Channels}×{g.OutDepth}×{g.OutHeight}×{g.OutWidth}");
    }
}
