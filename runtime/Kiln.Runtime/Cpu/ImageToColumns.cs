using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Kiln.Cpu;

/// <summary>
/// Unfolds the input of one convolution group (im2col) so that the convolution becomes a matrix product.
/// </summary>
internal static class ImageToColumns
{
    /// <summary>
    /// Smallest unfolded matrix, in floats, that is written by several threads: 128 Ki floats take some 50 µs to
    /// write on one core (an estimate, not a measured break-even).
    /// </summary>
    internal const int MinParallelLength = 1 << 17;

    /// <summary>
    /// Writes the GroupDepth × OutSpatial matrix whose row (c, kh, kw) and column (oh, ow) contains
    /// input[c, oh·StrideHeight + kh·DilationHeight − PadTop, ow·StrideWidth + kw·DilationWidth − PadLeft],
    /// or zero where that position lies outside the input.
    /// </summary>
    /// <param name="image">The GroupInChannels × InHeight × InWidth input of one group of one image.</param>
    /// <param name="columns">At least GroupDepth × OutSpatial floats, written row-major.</param>
    /// <param name="geometry">The convolution geometry.</param>
    /// <remarks>
    /// A matrix of at least <see cref="MinParallelLength"/> floats is written by
    /// <see cref="IntraOpParallelism.CurrentDegree"/> threads, each unfolding whole input channels.
    /// </remarks>
    internal static void Unfold(ReadOnlySpan<float> image, Span<float> columns, in Conv2DGeometry geometry)
    {
        int parts = Math.Min(IntraOpParallelism.CurrentDegree, geometry.GroupInChannels);
        if (parts > 1 && (long)geometry.GroupDepth * geometry.OutSpatial >= MinParallelLength)
        {
            UnfoldInParallel(image, columns, geometry, parts);
        }
        else
        {
            UnfoldChannels(image, columns, geometry, 0, geometry.GroupInChannels);
        }
    }

    /// <summary>Unfolds the input channels in <paramref name="parts"/> parts that the calling thread and pool threads write.</summary>
    internal static unsafe void UnfoldInParallel(ReadOnlySpan<float> image, Span<float> columns, in Conv2DGeometry geometry, int parts)
    {
        // The pointers stay valid while the pool threads use them, because WorkerTeam.Run returns only after every part is done.
        fixed (float* imagePointer = image, columnsPointer = columns)
        {
            var job = new UnfoldJob(imagePointer, image.Length, columnsPointer, columns.Length, geometry, parts);
            WorkerTeam<UnfoldJob>.ForCurrentThread().Run(in job, callerScratch: default);
        }
    }

    /// <summary>Writes the rows of input channels <paramref name="firstChannel"/> to <paramref name="endChannel"/> (exclusive).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void UnfoldChannels(ReadOnlySpan<float> image, Span<float> columns, in Conv2DGeometry geometry, int firstChannel, int endChannel)
    {
        int inHeight = geometry.InHeight;
        int inWidth = geometry.InWidth;
        int outHeight = geometry.OutHeight;
        int outWidth = geometry.OutWidth;
        int strideWidth = geometry.StrideWidth;
        int outSpatial = geometry.OutSpatial;
        int row = firstChannel * geometry.KernelHeight * geometry.KernelWidth;
        for (int channel = firstChannel; channel < endChannel; channel++)
        {
            ReadOnlySpan<float> plane = image.Slice(channel * inHeight * inWidth, inHeight * inWidth);
            for (int kh = 0; kh < geometry.KernelHeight; kh++)
            {
                for (int kw = 0; kw < geometry.KernelWidth; kw++, row++)
                {
                    Span<float> destination = columns.Slice(row * outSpatial, outSpatial);

                    // Output columns [first, last) read inside the input, and the rest read padding.
                    int columnOffset = kw * geometry.DilationWidth - geometry.PadLeft;
                    int first = Math.Min(outWidth, columnOffset >= 0 ? 0 : CeilingDivide(-columnOffset, strideWidth));
                    int last = Math.Max(first, Math.Min(outWidth, CeilingDivide(inWidth - columnOffset, strideWidth)));

                    for (int oh = 0; oh < outHeight; oh++)
                    {
                        Span<float> target = destination.Slice(oh * outWidth, outWidth);
                        int ih = oh * geometry.StrideHeight + kh * geometry.DilationHeight - geometry.PadTop;
                        if ((uint)ih >= (uint)inHeight)
                        {
                            target.Clear();
                            continue;
                        }

                        ReadOnlySpan<float> inputRow = plane.Slice(ih * inWidth, inWidth);
                        target[..first].Clear();
                        target[last..].Clear();
                        if (strideWidth == 1)
                        {
                            inputRow.Slice(first + columnOffset, last - first).CopyTo(target[first..last]);
                        }
                        else
                        {
                            CopyStrided(inputRow, first * strideWidth + columnOffset, strideWidth, target[first..last]);
                        }
                    }
                }
            }
        }
    }

    /// <summary>The unfolding of one group split into parts of whole input channels, over operands pinned by the caller.</summary>
    private readonly unsafe struct UnfoldJob(float* image, int imageLength, float* columns, int columnsLength, Conv2DGeometry geometry, int parts)
        : IPartitionedJob
    {
        public static int ScratchLength => 0;

        public int Parts => parts;

        public void RunPart(int part, Span<float> scratch)
        {
            int channels = geometry.GroupInChannels;
            int firstChannel = (int)((long)part * channels / parts);
            int endChannel = (int)((long)(part + 1) * channels / parts);
            UnfoldChannels(new ReadOnlySpan<float>(image, imageLength), new Span<float>(columns, columnsLength), geometry, firstChannel, endChannel);
        }
    }

    /// <summary>Copies source[start + i·stride] to destination[i]. Stride 2 is vectorized where AVX2 is available.</summary>
    private static void CopyStrided(ReadOnlySpan<float> source, int start, int stride, Span<float> destination)
    {
        int i = 0;
        int index = start;
        if (stride == 2 && Avx2.IsSupported)
        {
            // Each step reads 16 consecutive floats of the source row and keeps the 8 at even positions.
            for (; i <= destination.Length - 8 && index <= source.Length - 16; i += 8, index += 16)
            {
                SpanMath.LoadEvenElements(source.Slice(index, 16)).CopyTo(destination[i..]);
            }
        }

        for (; i < destination.Length; i++, index += stride)
        {
            destination[i] = source[index];
        }
    }

    /// <summary>Returns ⌈numerator / denominator⌉ for a positive denominator. The numerator may be negative.</summary>
    private static int CeilingDivide(int numerator, int denominator) =>
        numerator <= 0 ? -(-numerator / denominator) : (numerator + denominator - 1) / denominator;
}
