namespace Kiln.Cpu;

/// <summary>
/// ONNX Cast between element types, on values stored as float32. A cast to a narrower floating-point type rounds the
/// value as that type would store it. A cast to an integer type drops the fraction, and a cast to bool tests for nonzero.
/// </summary>
public static class Conversion
{
    /// <summary>Rounds each value to the nearest float16 (ties to even), as a float16 tensor would hold it.</summary>
    public static void ToFloat16(ReadOnlySpan<float> x, Span<float> y)
    {
        SpanChecks.RequireLength(nameof(y), y.Length, x.Length, "the length of x");
        for (int i = 0; i < x.Length; i++)
        {
            y[i] = (float)(Half)x[i];
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
            y[i] = BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(x[i]) & unchecked((int)0xFFFF0000));
        }
    }

    /// <summary>Drops the fraction of each value, rounding toward zero, as a cast to an integer type does.</summary>
    /// <remarks>Values outside the target type's range are not wrapped or saturated; ONNX leaves that case undefined.</remarks>
    public static void ToInteger(ReadOnlySpan<float> x, Span<float> y)
    {
        SpanChecks.RequireLength(nameof(y), y.Length, x.Length, "the length of x");
        for (int i = 0; i < x.Length; i++)
        {
            y[i] = MathF.Truncate(x[i]);
        }
    }

    /// <summary>Writes 1 for each nonzero value (NaN included) and 0 for zero, as a cast to bool does.</summary>
    public static void ToBool(ReadOnlySpan<float> x, Span<float> y)
    {
        SpanChecks.RequireLength(nameof(y), y.Length, x.Length, "the length of x");
        for (int i = 0; i < x.Length; i++)
        {
            y[i] = x[i] != 0f ? 1f : 0f;
        }
    }
}
