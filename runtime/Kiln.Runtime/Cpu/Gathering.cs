namespace Kiln.Cpu;

/// <summary>
/// ONNX Gather: picks entries of the data along one axis by index. The data is seen as outer × length × inner, the
/// gathered axis in the middle; the output is outer × indices × inner. Indices arrive as floats, Kiln's form of
/// int64, and may be negative, counting from the end of the axis.
/// </summary>
public static class Gathering
{
    /// <summary>Copies data[o, indices[j], i] to y[o, j, i].</summary>
    /// <param name="data">Input, outer × length × inner.</param>
    /// <param name="indices">Indices into the axis, from −length to length − 1.</param>
    /// <param name="y">Output, outer × indices × inner.</param>
    /// <param name="outer">Product of the dimensions before the axis.</param>
    /// <param name="length">Size of the axis.</param>
    /// <param name="inner">Product of the dimensions after the axis.</param>
    /// <exception cref="ArgumentOutOfRangeException">An index lies outside the axis.</exception>
    public static void Gather(ReadOnlySpan<float> data, ReadOnlySpan<float> indices, Span<float> y, int outer, int length, int inner)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(outer);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfNegative(inner);
        SpanChecks.RequireLength(nameof(data), data.Length, (long)outer * length * inner, $"Outer×Length×Inner = {outer}×{length}×{inner}");
        SpanChecks.RequireLength(nameof(y), y.Length, (long)outer * indices.Length * inner, $"Outer×Indices×Inner = {outer}×{indices.Length}×{inner}");

        for (int j = 0; j < indices.Length; j++)
        {
            float index = indices[j];
            if (!(index >= -length && index < length) || index != MathF.Floor(index))
            {
                throw new ArgumentOutOfRangeException(
                    nameof(indices), index, $"Gather index {j} is {index}, but the gathered axis has {length} entries, so indices must be whole numbers from {-length} to {length - 1}.");
            }
        }

        for (int o = 0; o < outer; o++)
        {
            for (int j = 0; j < indices.Length; j++)
            {
                int index = (int)indices[j];
                index = index < 0 ? index + length : index;
                data.Slice((o * length + index) * inner, inner).CopyTo(y.Slice((o * indices.Length + j) * inner, inner));
            }
        }
    }
}
