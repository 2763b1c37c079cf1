namespace Kiln.Cpu;

/// <summary>Copies of strided blocks, the building block of Concat and Split.</summary>
public static class DataMovement
{
    /// <summary>
    /// Copies <paramref name="count"/> blocks of <paramref name="blockLength"/> floats: block i goes from
    /// source[i·sourceStride ..] to destination[i·destinationStride ..].
    /// </summary>
    /// <param name="source">Where the blocks are read.</param>
    /// <param name="destination">Where the blocks are written. It must not overlap <paramref name="source"/>.</param>
    /// <param name="count">Number of blocks.</param>
    /// <param name="blockLength">Floats per block.</param>
    /// <param name="sourceStride">Floats from the start of one source block to the next.</param>
    /// <param name="destinationStride">Floats from the start of one destination block to the next.</param>
    /// <exception cref="ArgumentException">A size or stride is negative, or a span is too short for the blocks.</exception>
    public static void CopyBlocks(
        ReadOnlySpan<float> source, Span<float> destination, int count, int blockLength, int sourceStride, int destinationStride)
    {
        SpanChecks.RequireNonNegative(nameof(count), count);
        SpanChecks.RequireNonNegative(nameof(blockLength), blockLength);
        SpanChecks.RequireNonNegative(nameof(sourceStride), sourceStride);
        SpanChecks.RequireNonNegative(nameof(destinationStride), destinationStride);
        if (count == 0 || blockLength == 0)
        {
            return;
        }

        SpanChecks.RequireAtLeast(nameof(source), source.Length, (long)(count - 1) * sourceStride + blockLength,
            $"(count − 1)·sourceStride + blockLength = ({count} − 1)·{sourceStride} + {blockLength}");
        SpanChecks.RequireAtLeast(nameof(destination), destination.Length, (long)(count - 1) * destinationStride + blockLength,
            $"(count − 1)·destinationStride + blockLength = ({count} − 1)·{destinationStride} + {blockLength}");

        if (sourceStride == blockLength && destinationStride == blockLength)
        {
            source[..(count * blockLength)].CopyTo(destination);
            return;
        }

        for (int i = 0; i < count; i++)
        {
            source.Slice(i * sourceStride, blockLength).CopyTo(destination.Slice(i * destinationStride, blockLength));
        }
    }
}
