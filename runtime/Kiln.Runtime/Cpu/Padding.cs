namespace Kiln.Cpu;

/// <summary>How <see cref="Padding.Pad"/> fills the elements outside the source, with the names ONNX Pad uses.</summary>
public enum PadMode
{
    /// <summary>A constant value.</summary>
    Constant,

    /// <summary>The source mirrored at its border, without repeating the border element: [1, 2, 3] padded by 2 reads 3, 2, 1, 2, 3, 2, 1.</summary>
    Reflect,

    /// <summary>The nearest border element of the source.</summary>
    Edge,
}

/// <summary>Padding and cropping of a tensor along every axis, as ONNX Pad computes it.</summary>
public static class Padding
{
    /// <summary>
    /// Writes the padded tensor: destination element (o0, o1, …) is the source element (o0 − padsBegin[0], o1 − padsBegin[1], …)
    /// when that index is inside the source, else the element <paramref name="mode"/> gives. A negative padsBegin crops.
    /// </summary>
    /// <param name="source">The source tensor, row-major.</param>
    /// <param name="destination">The padded tensor, row-major. It must not overlap <paramref name="source"/>.</param>
    /// <param name="sourceShape">The source's shape.</param>
    /// <param name="destinationShape">The destination's shape, of the same rank.</param>
    /// <param name="padsBegin">Per axis, the number of elements added before the source's first element.</param>
    /// <param name="mode">How the elements outside the source are filled.</param>
    /// <param name="value">The fill value of <see cref="PadMode.Constant"/>; the other modes ignore it.</param>
    /// <exception cref="ArgumentException">The ranks differ, a span's length does not match its shape, or a mode other than
    /// <see cref="PadMode.Constant"/> has an empty source axis to read from.</exception>
    public static void Pad(
        ReadOnlySpan<float> source, Span<float> destination, ReadOnlySpan<int> sourceShape, ReadOnlySpan<int> destinationShape,
        ReadOnlySpan<int> padsBegin, PadMode mode, float value = 0)
    {
        int rank = sourceShape.Length;
        if (destinationShape.Length != rank || padsBegin.Length != rank)
        {
            throw new ArgumentException(
                $"Invalid ranks: sourceShape has {rank} axes, destinationShape {destinationShape.Length} and padsBegin {padsBegin.Length}, but they must be equal.",
                nameof(destinationShape));
        }

        long sourceCount = 1;
        long destinationCount = 1;
        for (int axis = 0; axis < rank; axis++)
        {
            SpanChecks.RequireNonNegative(nameof(sourceShape), sourceShape[axis]);
            SpanChecks.RequireNonNegative(nameof(destinationShape), destinationShape[axis]);
            sourceCount *= sourceShape[axis];
            destinationCount *= destinationShape[axis];
        }

        SpanChecks.RequireLength(nameof(source), source.Length, sourceCount, "the product of sourceShape");
        SpanChecks.RequireLength(nameof(destination), destination.Length, destinationCount, "the product of destinationShape");
        if (destinationCount == 0)
        {
            return;
        }

        if (rank == 0)
        {
            destination[0] = source[0];
            return;
        }

        // Per axis, the source coordinate each destination coordinate reads, or −1 for the constant value.
        var sourceCoordinates = new int[rank][];
        var strides = new int[rank];
        int stride = 1;
        for (int axis = rank - 1; axis >= 0; axis--)
        {
            strides[axis] = stride;
            stride *= sourceShape[axis];
            sourceCoordinates[axis] = MapAxis(sourceShape[axis], destinationShape[axis], padsBegin[axis], mode);
        }

        FillAxis(source, destination, sourceCoordinates, strides, 0, 0, 0, value);
    }

    private static int[] MapAxis(int sourceLength, int destinationLength, int before, PadMode mode)
    {
        var map = new int[destinationLength];
        for (int o = 0; o < destinationLength; o++)
        {
            int s = o - before;
            if (s >= 0 && s < sourceLength)
            {
                map[o] = s;
                continue;
            }

            if (mode == PadMode.Constant)
            {
                map[o] = -1;
                continue;
            }

            if (sourceLength == 0)
            {
                throw new ArgumentException($"Invalid padding: {mode} padding needs source elements to read, but an axis of sourceShape is empty.", "sourceShape");
            }

            map[o] = mode == PadMode.Edge ? Math.Clamp(s, 0, sourceLength - 1) : Reflect(s, sourceLength);
        }

        return map;
    }

    /// <summary>Mirrors <paramref name="s"/> into [0, length) about the first and last elements, as often as needed.</summary>
    private static int Reflect(int s, int length)
    {
        if (length == 1)
        {
            return 0;
        }

        int period = 2 * (length - 1);
        int r = s % period;
        if (r < 0)
        {
            r += period;
        }

        return r < length ? r : period - r;
    }

    /// <summary>Fills the block of the destination from <paramref name="axis"/> on; returns the next destination index.</summary>
    private static int FillAxis(
        ReadOnlySpan<float> source, Span<float> destination, int[][] sourceCoordinates, int[] strides, int axis,
        int sourceIndex, int destinationIndex, float value)
    {
        int[] map = sourceCoordinates[axis];
        int stride = strides[axis];
        bool last = axis == strides.Length - 1;
        foreach (int coordinate in map)
        {
            if (coordinate < 0)
            {
                int block = BlockLength(sourceCoordinates, axis + 1);
                destination.Slice(destinationIndex, block).Fill(value);
                destinationIndex += block;
            }
            else if (last)
            {
                destination[destinationIndex++] = source[sourceIndex + coordinate * stride];
            }
            else
            {
                destinationIndex = FillAxis(source, destination, sourceCoordinates, strides, axis + 1, sourceIndex + coordinate * stride, destinationIndex, value);
            }
        }

        return destinationIndex;
    }

    private static int BlockLength(int[][] sourceCoordinates, int firstAxis)
    {
        int length = 1;
        for (int axis = firstAxis; axis < sourceCoordinates.Length; axis++)
        {
            length *= sourceCoordinates[axis].Length;
        }

        return length;
    }
}
