namespace Kiln.Cpu;

/// <summary>
/// Copies that read the source through per-axis strides: the building block of Transpose, Slice, Expand, Tile,
/// DepthToSpace and SpaceToDepth, whose outputs are affine index maps of their inputs.
/// </summary>
public static class StridedCopy
{
    /// <summary>
    /// Writes the elements of <paramref name="shape"/> to <paramref name="destination"/> in row-major order, reading
    /// the element at index (i0, i1, …) from source[sourceOffset + i0·sourceStrides[0] + i1·sourceStrides[1] + …].
    /// </summary>
    /// <param name="source">Where the elements are read.</param>
    /// <param name="destination">Where the elements are written, contiguously. It must not overlap <paramref name="source"/>.</param>
    /// <param name="shape">The shape of the destination; its product is the destination's length.</param>
    /// <param name="sourceStrides">Per axis of <paramref name="shape"/>, the distance in the source between neighbors along that axis.
    /// A stride may be negative (a reversed slice) or 0 (a broadcast or repeated axis).</param>
    /// <param name="sourceOffset">Index in the source of the destination's first element.</param>
    /// <exception cref="ArgumentException">The ranks differ, a dimension is negative, the destination length is not the shape's product,
    /// or some index falls outside the source.</exception>
    public static void Copy(
        ReadOnlySpan<float> source, Span<float> destination, ReadOnlySpan<int> shape, ReadOnlySpan<int> sourceStrides, int sourceOffset = 0)
    {
        if (sourceStrides.Length != shape.Length)
        {
            throw new ArgumentException($"Invalid length of sourceStrides: expected one stride per axis of shape ({shape.Length}), but got {sourceStrides.Length}.", nameof(sourceStrides));
        }

        long count = 1;
        long lowest = sourceOffset;
        long highest = sourceOffset;
        for (int axis = 0; axis < shape.Length; axis++)
        {
            SpanChecks.RequireNonNegative(nameof(shape), shape[axis]);
            count *= shape[axis];
            if (shape[axis] > 0)
            {
                long reach = (long)(shape[axis] - 1) * sourceStrides[axis];
                lowest += Math.Min(reach, 0);
                highest += Math.Max(reach, 0);
            }
        }

        SpanChecks.RequireLength(nameof(destination), destination.Length, count, "the product of shape");
        if (count == 0)
        {
            return;
        }

        if (lowest < 0 || highest >= source.Length)
        {
            throw new ArgumentException(
                $"Invalid strides: the copy reads source indices {lowest} to {highest}, but the source has {source.Length} floats.", nameof(sourceStrides));
        }

        CopyAxis(source, destination, shape, sourceStrides, 0, sourceOffset, 0);
    }

    /// <summary>Copies the block of <paramref name="shape"/> from <paramref name="axis"/> on; returns the next destination index.</summary>
    private static int CopyAxis(
        ReadOnlySpan<float> source, Span<float> destination, ReadOnlySpan<int> shape, ReadOnlySpan<int> strides, int axis, int sourceIndex, int destinationIndex)
    {
        if (axis == shape.Length)
        {
            destination[destinationIndex] = source[sourceIndex];
            return destinationIndex + 1;
        }

        int length = shape[axis];
        int stride = strides[axis];
        if (axis == shape.Length - 1)
        {
            if (stride == 1)
            {
                source.Slice(sourceIndex, length).CopyTo(destination.Slice(destinationIndex, length));
                return destinationIndex + length;
            }

            for (int i = 0; i < length; i++)
            {
                destination[destinationIndex + i] = source[sourceIndex + i * stride];
            }

            return destinationIndex + length;
        }

        for (int i = 0; i < length; i++)
        {
            destinationIndex = CopyAxis(source, destination, shape, strides, axis + 1, sourceIndex + i * stride, destinationIndex);
        }

        return destinationIndex;
    }
}
