namespace Kiln.Cpu;

/// <summary>
/// ONNX Cast between element types, on values stored as float32. A cast to a narrower floating-point type rounds the
/// value as that type would store it. A cast to an integer type drops the fraction, and a cast to bool tests for nonzero.
/// </summary>
public static class Conversion
{
    /// <summary>2⁻¹⁴, the smallest normal float16.</summary>
    private const float Float16SmallestNormal = 6.1035156e-5f;

    /// <summary>Rounds each value to the nearest float16 (ties to even), as a float16 tensor would hold it.</summary>
    public static void ToFloat16(ReadOnlySpan<float> x, Span<float> y)
    {
        SpanChecks.RequireLength(nameof(y), y.Length, x.Length, "the length of x");
        for (int i = 0; i < x.Length; i++)
        {
            y[i] = ToFloat16(x[i]);
        }
    }

    /// <summary>
    /// Keeps the upper 16 bits of each value, the bfloat16 format, by truncation as the ONNX reference does. NaN
    /// stays NaN: truncation leaves a quiet NaN's exponent and leading mantissa bit.
    /// </summary>
    public static void ToBFloat16(ReadOnlySpan<float> x, Span<float> y)
    {
        SpanChecks.RequireLength(nameof(y), y.Length, x.Length, "the length of x");
        for (int i = 0; i < x.Length; i++)
        {
            y[i] = ToBFloat16(x[i]);
        }
    }

    /// <summary>Drops the fraction of each value, rounding toward zero, as a cast to an integer type does.</summary>
    /// <remarks>Values outside the target type's range are not wrapped or saturated; ONNX leaves that case undefined.</remarks>
    public static void ToInteger(ReadOnlySpan<float> x, Span<float> y)
    {
        SpanChecks.RequireLength(nameof(y), y.Length, x.Length, "the length of x");
        for (int i = 0; i < x.Length; i++)
        {
            y[i] = ToInteger(x[i]);
        }
    }

    /// <summary>Writes 1 for each nonzero value (NaN included) and 0 for zero, as a cast to bool does.</summary>
    public static void ToBool(ReadOnlySpan<float> x, Span<float> y)
    {
        SpanChecks.RequireLength(nameof(y), y.Length, x.Length, "the length of x");
        for (int i = 0; i < x.Length; i++)
        {
            y[i] = ToBool(x[i]);
        }
    }

    /// <summary>
    /// Rounds one value to the nearest float16 (ties to even), as <c>(float)(Half)x</c> does, for the span form and for
    /// each GPU thread. It uses float and bit operations, because ILGPU's CUDA backend cannot compile the Half
    /// conversion. A one-off check of all 2³² float bit patterns on .NET 10 found the Half cast's result for each (NaN as
    /// NaN), and the tests compare the two at every float16 value and rounding midpoint.
    /// </summary>
    /// <param name="x">Value.</param>
    public static float ToFloat16(float x)
    {
        // From 65520, halfway between the largest float16 65504 and 2¹⁶, values round to infinity.
        float magnitude = MathF.Abs(x);
        if (float.IsNaN(x))
        {
            return x;
        }

        if (magnitude >= 65520f)
        {
            return x > 0f ? float.PositiveInfinity : float.NegativeInfinity;
        }

        // Below 2⁻¹⁴ a float16 is subnormal, a multiple of 2⁻²⁴, and both scalings by 2²⁴ are exact.
        int bits = BitConverter.SingleToInt32Bits(x);
        if (magnitude < Float16SmallestNormal)
        {
            float rounded = MathF.Round(magnitude * 16777216f) / 16777216f;
            return BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(rounded) | (bits & int.MinValue));
        }

        // A normal float16 keeps 10 of the 23 mantissa bits: add just under half of the dropped 13 bits' weight, plus
        // the kept lowest bit so that a tie rounds to even, and let any carry move into the exponent.
        bits += 0xFFF + ((bits >> 13) & 1);
        return BitConverter.Int32BitsToSingle(bits & unchecked((int)0xFFFFE000));
    }

    /// <summary>Keeps the upper 16 bits of one value, the bfloat16 format, by truncation.</summary>
    /// <param name="x">Value.</param>
    public static float ToBFloat16(float x) => BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(x) & unchecked((int)0xFFFF0000));

    /// <summary>Drops the fraction of one value, rounding toward zero.</summary>
    /// <param name="x">Value.</param>
    public static float ToInteger(float x) => MathF.Truncate(x);

    /// <summary>Returns 1 for a nonzero value (NaN included) and 0 for zero.</summary>
    /// <param name="x">Value.</param>
    public static float ToBool(float x) => x != 0f ? 1f : 0f;
}
