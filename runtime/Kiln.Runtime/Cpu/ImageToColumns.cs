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
    /// Writes the GroupDepth × OutSpatial matrix whose row (c, kh, kw) and column (oh, ow) contains
    /// input[c, oh·StrideHeight + kh·DilationHeight − PadTop, ow·StrideWidth + kw·DilationWidth − PadLeft],
    /// or zero where that position lies outside the input.
    /// </summary>
    /// <param name="image">The GroupInChannels × InHeight × InWidth input of one group of one image.</param>
    /// <param name="columns">At least GroupDepth × OutSpatial floats, written row-major.</param>
    /// <param name="geometry">The convolution geometry.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Unfold(ReadOnlySpan<float> image, Span<float> columns, in Conv2DGeometry geometry)
    {
        int inHeight = geometry.InHeight;
        int inWidth = geometry.InWidth;
        int outHeight = geometry.OutHeight;
        int outWidth = geometry.OutWidth;
        int strideWidth = geometry.StrideWidth;
        int outSpatial = geometry.OutSpatial;
        int row = 0;
        for (int channel = 0; channel < geometry.GroupInChannels; channel++)
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
