namespace Kiln.Cpu;

/// <summary>
/// ArgMax and ArgMin along one axis. The input is seen as outer × length × inner, with the reduced axis in the middle.
/// For each outer and inner position the output is the index along the axis, an int64 in ONNX that Kiln stores as
/// float32, which is exact for indices below 2^24.
/// </summary>
public static class IndexOfExtremum
{
    /// <summary>Writes the index of the largest value along the axis.</summary>
    /// <param name="x">Input, outer × length × inner.</param>
    /// <param name="y">Output, outer × inner.</param>
    /// <param name="outer">Product of the dimensions before the axis.</param>
    /// <param name="length">Size of the axis, at least 1.</param>
    /// <param name="inner">Product of the dimensions after the axis.</param>
    /// <param name="selectLastIndex">True to give the last index of a repeated extremum, false for the first.</param>
    public static void ArgMax(ReadOnlySpan<float> x, Span<float> y, int outer, int length, int inner, bool selectLastIndex) =>
        Find(x, y, outer, length, inner, selectLastIndex, largest: true);

    /// <summary>Writes the index of the smallest value along the axis.</summary>
    /// <param name="x">Input, outer × length × inner.</param>
    /// <param name="y">Output, outer × inner.</param>
    /// <param name="outer">Product of the dimensions before the axis.</param>
    /// <param name="length">Size of the axis, at least 1.</param>
    /// <param name="inner">Product of the dimensions after the axis.</param>
    /// <param name="selectLastIndex">True to give the last index of a repeated extremum, false for the first.</param>
    public static void ArgMin(ReadOnlySpan<float> x, Span<float> y, int outer, int length, int inner, bool selectLastIndex) =>
        Find(x, y, outer, length, inner, selectLastIndex, largest: false);

    private static void Find(ReadOnlySpan<float> x, Span<float> y, int outer, int length, int inner, bool selectLastIndex, bool largest)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(outer);
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(inner);
        SpanChecks.RequireLength(nameof(x), x.Length, (long)outer * length * inner, $"Outer×Length×Inner = {outer}×{length}×{inner}");
        SpanChecks.RequireLength(nameof(y), y.Length, (long)outer * inner, $"Outer×Inner = {outer}×{inner}");

        for (int o = 0; o < outer; o++)
        {
            ReadOnlySpan<float> block = x.Slice(o * length * inner, length * inner);
            for (int i = 0; i < inner; i++)
            {
                // A NaN is an extremum that nothing replaces, as in NumPy and ONNX Runtime.
                int best = 0;
                float bestValue = block[i];
                for (int k = 1; k < length && !float.IsNaN(bestValue); k++)
                {
                    float value = block[k * inner + i];
                    bool better = float.IsNaN(value)
                        || (largest ? value > bestValue : value < bestValue)
                        || (selectLastIndex && value == bestValue);
                    if (better)
                    {
                        best = k;
                        bestValue = value;
                    }
                }

                y[o * inner + i] = best;
            }
        }
    }
}
