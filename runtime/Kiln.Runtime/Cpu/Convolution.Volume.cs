namespace Kiln.Cpu;

/// <summary>3-D convolution over N×C×D×H×W tensors, computed as one matrix product per image and group.</summary>
public static partial class Convolution
{
    /// <summary>
    /// Returns the floats of workspace that <see cref="Conv3D"/> needs for <paramref name="geometry"/>: the unfolded
    /// input of one group of one image ((InChannels/Groups)·KernelDepth·KernelHeight·KernelWidth × OutDepth·OutHeight·OutWidth),
    /// plus at most 256×256 floats in which the matrix product packs the unfolded input.
    /// </summary>
    /// <exception cref="ArgumentException">The geometry is invalid.</exception>
    public static int WorkspaceLength(in Conv3DGeometry geometry)
    {
        geometry.Validate();
        long unfolded = (long)geometry.GroupDepth * geometry.OutSpatial;
        long total = unfolded + MatrixMultiply.PackBufferLength(geometry.OutSpatial, geometry.GroupDepth);
        if (total > Array.MaxLength)
        {
            throw new ArgumentException(
                $"Invalid convolution geometry: the workspace ({total} floats) would exceed the largest array ({Array.MaxLength}).",
                nameof(geometry));
        }

        return (int)total;
    }

    /// <summary>Computes y = conv(x, weights) + bias over three spatial axes.</summary>
    /// <param name="x">Input, Batch×InChannels×InDepth×InHeight×InWidth.</param>
    /// <param name="weights">Filters, OutChannels×(InChannels/Groups)×KernelDepth×KernelHeight×KernelWidth (the ONNX layout).</param>
    /// <param name="bias">OutChannels floats, or empty for no bias.</param>
    /// <param name="y">Output, Batch×OutChannels×OutDepth×OutHeight×OutWidth.</param>
    /// <param name="workspace">Scratch memory of at least <see cref="WorkspaceLength(in Conv3DGeometry)"/> floats. Its contents are overwritten.</param>
    /// <param name="geometry">Sizes, strides, dilations, padding and groups.</param>
    /// <exception cref="ArgumentException">The geometry is invalid or a span has the wrong length.</exception>
    public static void Conv3D(
        ReadOnlySpan<float> x, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias,
        Span<float> y, Span<float> workspace, in Conv3DGeometry geometry)
    {
        CheckSpans(x, weights, bias, y, workspace, geometry);
        Conv3DGeometry g = geometry;
        int groupIn = g.GroupInChannels;
        int groupOut = g.GroupOutChannels;
        int depth = g.GroupDepth;
        int outSpatial = g.OutSpatial;
        int inSpatial = g.InSpatial;
        Span<float> unfolded = workspace[..(depth * outSpatial)];
        Span<float> packBuffer = workspace[(depth * outSpatial)..];

        for (int image = 0; image < g.Batch; image++)
        {
            for (int group = 0; group < g.Groups; group++)
            {
                ReadOnlySpan<float> groupInput = x.Slice((image * g.InChannels + group * groupIn) * inSpatial, groupIn * inSpatial);
                ReadOnlySpan<float> groupWeights = weights.Slice(group * groupOut * depth, groupOut * depth);
                ReadOnlySpan<float> groupBias = bias.IsEmpty ? default : bias.Slice(group * groupOut, groupOut);
                Span<float> groupOutput = y.Slice((image * g.OutChannels + group * groupOut) * outSpatial, groupOut * outSpatial);

                Unfold(groupInput, unfolded, g);
                MatrixMultiply.Multiply(
                    groupWeights, depth, 1,
                    unfolded, outSpatial, 1,
                    groupOutput, outSpatial,
                    groupOut, outSpatial, depth,
                    groupBias, accumulate: false, packBuffer);
            }
        }
    }

    /// <summary>
    /// Writes the GroupDepth × OutSpatial matrix whose row (c, kd, kh, kw) and column (od, oh, ow) contains
    /// input[c, od·StrideDepth + kd·DilationDepth − PadFront, oh·StrideHeight + kh·DilationHeight − PadTop,
    /// ow·StrideWidth + kw·DilationWidth − PadLeft], or zero where that position lies outside the input.
    /// </summary>
    private static void Unfold(ReadOnlySpan<float> image, Span<float> columns, in Conv3DGeometry g)
    {
        int inSpatial = g.InSpatial;
        int column = 0;
        for (int channel = 0; channel < g.GroupInChannels; channel++)
        {
            ReadOnlySpan<float> volume = image.Slice(channel * inSpatial, inSpatial);
            for (int kd = 0; kd < g.KernelDepth; kd++)
            {
                for (int kh = 0; kh < g.KernelHeight; kh++)
                {
                    for (int kw = 0; kw < g.KernelWidth; kw++)
                    {
                        for (int od = 0; od < g.OutDepth; od++)
                        {
                            int d = od * g.StrideDepth + kd * g.DilationDepth - g.PadFront;
                            for (int oh = 0; oh < g.OutHeight; oh++)
                            {
                                int h = oh * g.StrideHeight + kh * g.DilationHeight - g.PadTop;
                                bool rowInside = (uint)d < (uint)g.InDepth && (uint)h < (uint)g.InHeight;
                                int rowStart = ((d * g.InHeight) + h) * g.InWidth;
                                for (int ow = 0; ow < g.OutWidth; ow++, column++)
                                {
                                    int w = ow * g.StrideWidth + kw * g.DilationWidth - g.PadLeft;
                                    columns[column] = rowInside && (uint)w < (uint)g.InWidth ? volume[rowStart + w] : 0f;
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    private static void CheckSpans(
        ReadOnlySpan<float> x, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias,
        Span<float> y, Span<float> workspace, in Conv3DGeometry geometry)
    {
        geometry.Validate();
        Conv3DGeometry g = geometry;
        SpanChecks.RequireLength(nameof(x), x.Length, (long)g.Batch * g.InChannels * g.InSpatial,
            $"Batch×InChannels×InDepth×InHeight×InWidth = {g.Batch}×{g.InChannels}×{g.InDepth}×{g.InHeight}×{g.InWidth}");
        SpanChecks.RequireLength(nameof(weights), weights.Length, (long)g.OutChannels * g.GroupDepth,
            $"OutChannels×(InChannels/Groups)×KernelDepth×KernelHeight×KernelWidth = {g.OutChannels}×{g.GroupInChannels}×{g.KernelDepth}×{g.KernelHeight}×{g.KernelWidth}");
        if (!bias.IsEmpty)
        {
            SpanChecks.RequireLength(nameof(bias), bias.Length, g.OutChannels, "OutChannels, or empty for no bias");
        }

        SpanChecks.RequireLength(nameof(y), y.Length, (long)g.Batch * g.OutChannels * g.OutSpatial,
            $"Batch×OutChannels×OutDepth×OutHeight×OutWidth = {g.Batch}×{g.OutChannels}×{g.OutDepth}×{g.OutHeight}×{g.OutWidth}");
        SpanChecks.RequireAtLeast(nameof(workspace), workspace.Length, WorkspaceLength(g),
            "Convolution.WorkspaceLength(geometry)");
    }
}
