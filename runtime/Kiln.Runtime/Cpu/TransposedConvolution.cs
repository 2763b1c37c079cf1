namespace Kiln.Cpu;

/// <summary>
/// 2-D transposed convolution (ONNX ConvTranspose) over NCHW tensors, computed per image and group as one matrix
/// product followed by a column-to-image scatter.
/// </summary>
public static partial class TransposedConvolution
{
    /// <summary>
    /// Returns the floats of workspace that <see cref="ConvTranspose2D"/> needs for <paramref name="geometry"/>: the
    /// columns of one group of one image ((OutChannels/Groups)·KernelHeight·KernelWidth × InHeight·InWidth), plus at
    /// most 256×256 floats in which the matrix product packs the input.
    /// </summary>
    /// <exception cref="ArgumentException">The geometry is invalid.</exception>
    public static int WorkspaceLength(in TransposedConv2DGeometry geometry)
    {
        geometry.Validate();
        long columns = (long)geometry.GroupOutChannels * geometry.KernelHeight * geometry.KernelWidth * geometry.InHeight * geometry.InWidth;
        long total = columns + MatrixMultiply.PackBufferLength(geometry.InHeight * geometry.InWidth, geometry.GroupInChannels);
        if (total > Array.MaxLength)
        {
            throw new ArgumentException(
                $"Invalid transposed convolution geometry: the workspace ({total} floats) would exceed the largest array ({Array.MaxLength}).",
                nameof(geometry));
        }

        return (int)total;
    }

    /// <summary>Computes y = convtranspose(x, weights) + bias.</summary>
    /// <param name="x">Input, Batch×InChannels×InHeight×InWidth.</param>
    /// <param name="weights">Filters, InChannels×(OutChannels/Groups)×KernelHeight×KernelWidth (the ONNX layout).</param>
    /// <param name="bias">OutChannels floats, or empty for no bias.</param>
    /// <param name="y">Output, Batch×OutChannels×OutHeight×OutWidth. Its contents are overwritten.</param>
    /// <param name="workspace">Scratch memory of at least <see cref="WorkspaceLength(in TransposedConv2DGeometry)"/> floats. Its contents are overwritten.</param>
    /// <param name="geometry">Sizes, strides, dilations, padding and groups.</param>
    /// <exception cref="ArgumentException">The geometry is invalid or a span has the wrong length.</exception>
    public static void ConvTranspose2D(
        ReadOnlySpan<float> x, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias,
        Span<float> y, Span<float> workspace, in TransposedConv2DGeometry geometry)
    {
        geometry.Validate();
        CheckSpans(x, weights, bias, y, workspace, geometry);
        TransposedConv2DGeometry g = geometry;
        int inPlane = g.InHeight * g.InWidth;
        int outPlane = g.OutHeight * g.OutWidth;
        int filterPlane = g.KernelHeight * g.KernelWidth;
        int groupIn = g.GroupInChannels;
        int groupOut = g.GroupOutChannels;
        int columnRows = groupOut * filterPlane;
        Span<float> columns = workspace[..(columnRows * inPlane)];
        Span<float> packBuffer = workspace[(columnRows * inPlane)..];

        for (int image = 0; image < g.Batch; image++)
        {
            for (int group = 0; group < g.Groups; group++)
            {
                ReadOnlySpan<float> groupInput = x.Slice((image * g.InChannels + group * groupIn) * inPlane, groupIn * inPlane);
                ReadOnlySpan<float> groupWeights = weights.Slice(group * groupIn * columnRows, groupIn * columnRows);

                // columns = Wᵀ·x, whose row (m, kh, kw) contains each input pixel's contribution through tap (kh, kw) to
                // output channel m. The group's weights are a groupIn × columnRows matrix, read transposed through the strides.
                MatrixMultiply.Multiply(
                    groupWeights, 1, columnRows,
                    groupInput, inPlane, 1,
                    columns, inPlane,
                    columnRows, inPlane, groupIn,
                    default, accumulate: false, packBuffer);

                for (int outChannel = 0; outChannel < groupOut; outChannel++)
                {
                    int globalOutChannel = group * groupOut + outChannel;
                    Span<float> outputPlane = y.Slice((image * g.OutChannels + globalOutChannel) * outPlane, outPlane);
                    outputPlane.Fill(bias.IsEmpty ? 0f : bias[globalOutChannel]);
                    AddColumns(columns.Slice(outChannel * filterPlane * inPlane, filterPlane * inPlane), outputPlane, g);
                }
            }
        }
    }

    /// <summary>
    /// Adds the columns of one output channel (KernelHeight·KernelWidth rows of InHeight·InWidth values) to their
    /// output pixels, dropping those that land outside the output.
    /// </summary>
    private static void AddColumns(ReadOnlySpan<float> columns, Span<float> output, in TransposedConv2DGeometry g)
    {
        int inPlane = g.InHeight * g.InWidth;
        for (int kh = 0; kh < g.KernelHeight; kh++)
        {
            for (int kw = 0; kw < g.KernelWidth; kw++)
            {
                ReadOnlySpan<float> tapColumns = columns.Slice((kh * g.KernelWidth + kw) * inPlane, inPlane);
                int rowOffset = kh * g.DilationHeight - g.PadTop;
                int columnOffset = kw * g.DilationWidth - g.PadLeft;

                // Input columns whose output column, w·StrideWidth + columnOffset, lies in [0, OutWidth).
                int firstColumn = Math.Max(0, CeilingDivide(-columnOffset, g.StrideWidth));
                int endColumn = Math.Min(g.InWidth, CeilingDivide(g.OutWidth - columnOffset, g.StrideWidth));

                for (int h = 0; h < g.InHeight; h++)
                {
                    int outRow = h * g.StrideHeight + rowOffset;
                    if (outRow < 0 || outRow >= g.OutHeight)
                    {
                        continue;
                    }

                    ReadOnlySpan<float> sourceRow = tapColumns.Slice(h * g.InWidth, g.InWidth);
                    Span<float> outputRow = output.Slice(outRow * g.OutWidth, g.OutWidth);
                    for (int w = firstColumn; w < endColumn; w++)
                    {
                        outputRow[w * g.StrideWidth + columnOffset] += sourceRow[w];
                    }
                }
            }
        }
    }

    /// <summary>Returns ⌈numerator / denominator⌉ for a positive denominator and a numerator of either sign.</summary>
    private static int CeilingDivide(int numerator, int denominator) =>
        numerator >= 0 ? (numerator + denominator - 1) / denominator : -(-numerator / denominator);

    private static void CheckSpans(
        ReadOnlySpan<float> x, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias,
        Span<float> y, Span<float> workspace, in TransposedConv2DGeometry geometry)
    {
        TransposedConv2DGeometry g = geometry;
        SpanChecks.RequireLength(nameof(x), x.Length, (long)g.Batch * g.InChannels * g.InHeight * g.InWidth,
            $"Batch×InChannels×InHeight×InWidth = {g.Batch}×{g.InChannels}×{g.InHeight}×{g.InWidth}");
        SpanChecks.RequireLength(nameof(weights), weights.Length, (long)g.InChannels * g.GroupOutChannels * g.KernelHeight * g.KernelWidth,
            $"InChannels×(OutChannels/Groups)×KernelHeight×KernelWidth = {g.InChannels}×{g.GroupOutChannels}×{g.KernelHeight}×{g.KernelWidth}");
        if (!bias.IsEmpty)
        {
            SpanChecks.RequireLength(nameof(bias), bias.Length, g.OutChannels, "OutChannels, or empty for no bias");
        }

        SpanChecks.RequireLength(nameof(y), y.Length, (long)g.Batch * g.OutChannels * g.OutHeight * g.OutWidth,
            $"Batch×OutChannels×OutHeight×OutWidth = {g.Batch}×{g.OutChannels}×{g.OutHeight}×{g.OutWidth}");
        SpanChecks.RequireAtLeast(nameof(workspace), workspace.Length, WorkspaceLength(g),
            "TransposedConvolution.WorkspaceLength(geometry)");
    }
}
