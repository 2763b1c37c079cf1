namespace Kiln.Cpu;

/// <summary>
/// 3-D transposed convolution (ONNX ConvTranspose) over N×C×D×H×W tensors, computed per image and group as one
/// matrix product followed by a column-to-volume scatter.
/// </summary>
public static partial class TransposedConvolution
{
    /// <summary>
    /// Returns the floats of workspace that <see cref="ConvTranspose3D"/> needs for <paramref name="geometry"/>: the
    /// columns of one group of one image ((OutChannels/Groups)·KernelDepth·KernelHeight·KernelWidth × InDepth·InHeight·InWidth),
    /// plus at most 256×256 floats in which the matrix product packs the input.
    /// </summary>
    /// <exception cref="ArgumentException">The geometry is invalid.</exception>
    public static int WorkspaceLength(in TransposedConv3DGeometry geometry)
    {
        geometry.Validate();
        long columns = (long)geometry.GroupOutChannels * geometry.FilterVolume * geometry.InSpatial;
        long total = columns + MatrixMultiply.PackBufferLength(geometry.InSpatial, geometry.GroupInChannels);
        if (total > Array.MaxLength)
        {
            throw new ArgumentException(
                $"Invalid transposed convolution geometry: the workspace ({total} floats) would exceed the largest array ({Array.MaxLength}).",
                nameof(geometry));
        }

        return (int)total;
    }

    /// <summary>Computes y = convtranspose(x, weights) + bias over three spatial axes.</summary>
    /// <param name="x">Input, Batch×InChannels×InDepth×InHeight×InWidth.</param>
    /// <param name="weights">Filters, InChannels×(OutChannels/Groups)×KernelDepth×KernelHeight×KernelWidth (the ONNX layout).</param>
    /// <param name="bias">OutChannels floats, or empty for no bias.</param>
    /// <param name="y">Output, Batch×OutChannels×OutDepth×OutHeight×OutWidth. Its contents are overwritten.</param>
    /// <param name="workspace">Scratch memory of at least <see cref="WorkspaceLength(in TransposedConv3DGeometry)"/> floats. Its contents are overwritten.</param>
    /// <param name="geometry">Sizes, strides, dilations, padding and groups.</param>
    /// <exception cref="ArgumentException">The geometry is invalid or a span has the wrong length.</exception>
    public static void ConvTranspose3D(
        ReadOnlySpan<float> x, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias,
        Span<float> y, Span<float> workspace, in TransposedConv3DGeometry geometry)
    {
        CheckSpans(x, weights, bias, y, workspace, geometry);
        TransposedConv3DGeometry g = geometry;
        int inSpatial = g.InSpatial;
        int outSpatial = g.OutSpatial;
        int filterVolume = g.FilterVolume;
        int groupIn = g.GroupInChannels;
        int groupOut = g.GroupOutChannels;
        int columnRows = groupOut * filterVolume;
        Span<float> columns = workspace[..(columnRows * inSpatial)];
        Span<float> packBuffer = workspace[(columnRows * inSpatial)..];

        for (int image = 0; image < g.Batch; image++)
        {
            for (int group = 0; group < g.Groups; group++)
            {
                ReadOnlySpan<float> groupInput = x.Slice((image * g.InChannels + group * groupIn) * inSpatial, groupIn * inSpatial);
                ReadOnlySpan<float> groupWeights = weights.Slice(group * groupIn * columnRows, groupIn * columnRows);

                // columns = Wᵀ·x, whose row (m, kd, kh, kw) contains each input position's contribution through that
                // tap to output channel m. The group's weights are a groupIn × columnRows matrix, read transposed.
                MatrixMultiply.Multiply(
                    groupWeights, 1, columnRows,
                    groupInput, inSpatial, 1,
                    columns, inSpatial,
                    columnRows, inSpatial, groupIn,
                    default, accumulate: false, packBuffer);

                for (int outChannel = 0; outChannel < groupOut; outChannel++)
                {
                    int globalOutChannel = group * groupOut + outChannel;
                    Span<float> outputVolume = y.Slice((image * g.OutChannels + globalOutChannel) * outSpatial, outSpatial);
                    outputVolume.Fill(bias.IsEmpty ? 0f : bias[globalOutChannel]);
                    AddColumns(columns.Slice(outChannel * filterVolume * inSpatial, filterVolume * inSpatial), outputVolume, g);
                }
            }
        }
    }

    /// <summary>
    /// Adds the columns of one output channel (KernelDepth·KernelHeight·KernelWidth rows of InDepth·InHeight·InWidth
    /// values) to their output positions, dropping those that land outside the output.
    /// </summary>
    private static void AddColumns(ReadOnlySpan<float> columns, Span<float> output, in TransposedConv3DGeometry g)
    {
        int inSpatial = g.InSpatial;
        int tap = 0;
        for (int kd = 0; kd < g.KernelDepth; kd++)
        {
            for (int kh = 0; kh < g.KernelHeight; kh++)
            {
                for (int kw = 0; kw < g.KernelWidth; kw++, tap++)
                {
                    ReadOnlySpan<float> tapColumns = columns.Slice(tap * inSpatial, inSpatial);
                    int columnOffset = kw * g.DilationWidth - g.PadLeft;

                    // Input columns whose output column, w·StrideWidth + columnOffset, lies in [0, OutWidth).
                    int firstColumn = Math.Max(0, CeilingDivide(-columnOffset, g.StrideWidth));
                    int endColumn = Math.Min(g.InWidth, CeilingDivide(g.OutWidth - columnOffset, g.StrideWidth));

                    for (int d = 0; d < g.InDepth; d++)
                    {
                        int outPlane = d * g.StrideDepth + kd * g.DilationDepth - g.PadFront;
                        if (outPlane < 0 || outPlane >= g.OutDepth)
                        {
                            continue;
                        }

                        for (int h = 0; h < g.InHeight; h++)
                        {
                            int outRow = h * g.StrideHeight + kh * g.DilationHeight - g.PadTop;
                            if (outRow < 0 || outRow >= g.OutHeight)
                            {
                                continue;
                            }

                            ReadOnlySpan<float> sourceRow = tapColumns.Slice(((d * g.InHeight) + h) * g.InWidth, g.InWidth);
                            Span<float> outputRow = output.Slice(((outPlane * g.OutHeight) + outRow) * g.OutWidth, g.OutWidth);
                            for (int w = firstColumn; w < endColumn; w++)
                            {
                                outputRow[w * g.StrideWidth + columnOffset] += sourceRow[w];
                            }
                        }
                    }
                }
            }
        }
    }

    private static void CheckSpans(
        ReadOnlySpan<float> x, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias,
        Span<float> y, Span<float> workspace, in TransposedConv3DGeometry geometry)
    {
        geometry.Validate();
        TransposedConv3DGeometry g = geometry;
        SpanChecks.RequireLength(nameof(x), x.Length, (long)g.Batch * g.InChannels * g.InSpatial,
            $"Batch×InChannels×InDepth×InHeight×InWidth = {g.Batch}×{g.InChannels}×{g.InDepth}×{g.InHeight}×{g.InWidth}");
        SpanChecks.RequireLength(nameof(weights), weights.Length, (long)g.InChannels * g.GroupOutChannels * g.FilterVolume,
            $"InChannels×(OutChannels/Groups)×KernelDepth×KernelHeight×KernelWidth = {g.InChannels}×{g.GroupOutChannels}×{g.KernelDepth}×{g.KernelHeight}×{g.KernelWidth}");
        if (!bias.IsEmpty)
        {
            SpanChecks.RequireLength(nameof(bias), bias.Length, g.OutChannels, "OutChannels, or empty for no bias");
        }

        SpanChecks.RequireLength(nameof(y), y.Length, (long)g.Batch * g.OutChannels * g.OutSpatial,
            $"Batch×OutChannels×OutDepth×OutHeight×OutWidth = {g.Batch}×{g.OutChannels}×{g.OutDepth}×{g.OutHeight}×{g.OutWidth}");
        SpanChecks.RequireAtLeast(nameof(workspace), workspace.Length, WorkspaceLength(g),
            "TransposedConvolution.WorkspaceLength(geometry)");
    }
}
