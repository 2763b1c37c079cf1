namespace Kiln.Cpu;

/// <summary>2-D convolution over NCHW tensors, computed as one matrix product per image and group.</summary>
public static partial class Convolution
{
    /// <summary>
    /// Returns the floats of workspace that <see cref="Conv2D"/> needs for <paramref name="geometry"/>: the
    /// unfolded input of one group of one image ((InChannels/Groups)·KernelHeight·KernelWidth × OutHeight·OutWidth,
    /// none for a 1×1, stride-1, unpadded convolution, which reads its input directly), plus at most
    /// 256×256 floats in which the matrix product packs the unfolded input.
    /// </summary>
    /// <exception cref="ArgumentException">The geometry is invalid.</exception>
    public static int WorkspaceLength(in Conv2DGeometry geometry)
    {
        geometry.Validate();
        long unfolded = geometry.ReadsInputDirectly ? 0 : (long)geometry.GroupDepth * geometry.OutSpatial;
        long total = unfolded + MatrixMultiply.PackBufferLength(geometry.OutSpatial, geometry.GroupDepth);
        if (total > Array.MaxLength)
        {
            throw new ArgumentException(
                $"Invalid convolution geometry: the workspace ({total} floats) would exceed the largest array ({Array.MaxLength}).",
                nameof(geometry));
        }

        return (int)total;
    }

    /// <summary>Computes y = conv(x, weights) + bias.</summary>
    /// <param name="x">Input, Batch×InChannels×InHeight×InWidth.</param>
    /// <param name="weights">Filters, OutChannels×(InChannels/Groups)×KernelHeight×KernelWidth (the ONNX layout).</param>
    /// <param name="bias">OutChannels floats, or empty for no bias.</param>
    /// <param name="y">Output, Batch×OutChannels×OutHeight×OutWidth.</param>
    /// <param name="workspace">Scratch memory of at least <see cref="WorkspaceLength(in Conv2DGeometry)"/> floats. Its contents are overwritten.</param>
    /// <param name="geometry">Sizes, strides, dilations, padding and groups.</param>
    /// <exception cref="ArgumentException">The geometry is invalid or a span has the wrong length.</exception>
    public static void Conv2D(
        ReadOnlySpan<float> x, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias,
        Span<float> y, Span<float> workspace, in Conv2DGeometry geometry)
    {
        geometry.Validate();
        int groupIn = geometry.GroupInChannels;
        int groupOut = geometry.GroupOutChannels;
        int depth = geometry.GroupDepth;
        int outSpatial = geometry.OutSpatial;
        int inPlane = geometry.InHeight * geometry.InWidth;
        CheckSpans(x, weights, bias, y, workspace, geometry);
        int unfoldedLength = geometry.ReadsInputDirectly ? 0 : depth * outSpatial;
        Span<float> unfolded = workspace[..unfoldedLength];
        Span<float> packBuffer = workspace[unfoldedLength..];

        for (int image = 0; image < geometry.Batch; image++)
        {
            for (int group = 0; group < geometry.Groups; group++)
            {
                ReadOnlySpan<float> groupInput = x.Slice((image * geometry.InChannels + group * groupIn) * inPlane, groupIn * inPlane);
                ReadOnlySpan<float> groupWeights = weights.Slice(group * groupOut * depth, groupOut * depth);
                ReadOnlySpan<float> groupBias = bias.IsEmpty ? default : bias.Slice(group * groupOut, groupOut);
                Span<float> groupOutput = y.Slice((image * geometry.OutChannels + group * groupOut) * outSpatial, groupOut * outSpatial);

                ReadOnlySpan<float> columns = groupInput;
                if (!geometry.ReadsInputDirectly)
                {
                    ImageToColumns.Unfold(groupInput, unfolded, geometry);
                    columns = unfolded;
                }

                // NOTE: depthwise convolutions (one channel per group) become 1-row products here, which is correct but slow.
                MatrixMultiply.Multiply(
                    groupWeights, depth, 1,
                    columns, outSpatial, 1,
                    groupOutput, outSpatial,
                    groupOut, outSpatial, depth,
                    groupBias, accumulate: false, packBuffer);
            }
        }
    }

    private static void CheckSpans(
        ReadOnlySpan<float> x, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias,
        Span<float> y, Span<float> workspace, in Conv2DGeometry geometry)
    {
        Conv2DGeometry g = geometry;
        SpanChecks.RequireLength(nameof(x), x.Length, (long)g.Batch * g.InChannels * g.InHeight * g.InWidth,
            $"Batch×InChannels×InHeight×InWidth = {g.Batch}×{g.InChannels}×{g.InHeight}×{g.InWidth}");
        SpanChecks.RequireLength(nameof(weights), weights.Length, (long)g.OutChannels * g.GroupDepth,
            $"OutChannels×(InChannels/Groups)×KernelHeight×KernelWidth = {g.OutChannels}×{g.GroupInChannels}×{g.KernelHeight}×{g.KernelWidth}");
        if (!bias.IsEmpty)
        {
            SpanChecks.RequireLength(nameof(bias), bias.Length, g.OutChannels, "OutChannels, or empty for no bias");
        }

        SpanChecks.RequireLength(nameof(y), y.Length, (long)g.Batch * g.OutChannels * g.OutHeight * g.OutWidth,
            $"Batch×OutChannels×OutHeight×OutWidth = {g.Batch}×{g.OutChannels}×{g.OutHeight}×{g.OutWidth}");
        SpanChecks.RequireAtLeast(nameof(workspace), workspace.Length, WorkspaceLength(g),
            "Convolution.WorkspaceLength(geometry)");
    }
}
