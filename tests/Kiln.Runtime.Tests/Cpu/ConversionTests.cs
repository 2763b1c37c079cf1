using Kiln.Cpu;

namespace Kiln.Runtime.Tests.Cpu;

public class ConversionTests
{
    [Fact]
    public void Float16KeepsElevenSignificantBits()
    {
        // 1 + 2^-11 lies halfway between two float16 values and rounds to the even one, 1; 1 + 3·2^-11 rounds up to 1 + 2^-9.
        float[] x = [1f + (1f / 2048), 1f + (3f / 2048), 65520f, -0.1f];
        var y = new float[4];

        Conversion.ToFloat16(x, y);

        Assert.Equal([1f, 1f + (1f / 512), float.PositiveInfinity, -0.0999755859375f], y);
    }

    [Fact]
    public void Float16ScalarMatchesHalfCast()
    {
        // Every float16 value, the floats next to it, and the midpoints to its neighbour and the floats next to those.
        for (int pattern = 0; pattern < 0x7C00; pattern++)
        {
            float value = (float)BitConverter.UInt16BitsToHalf((ushort)pattern);
            float next = (float)BitConverter.UInt16BitsToHalf((ushort)(pattern + 1));
            float midpoint = (value + next) / 2;
            foreach (float x in new[] { value, MathF.BitIncrement(value), MathF.BitDecrement(midpoint), midpoint, MathF.BitIncrement(midpoint) })
            {
                Assert.Equal((float)(Half)x, Conversion.ToFloat16(x));
                Assert.Equal((float)(Half)(-x), Conversion.ToFloat16(-x));
            }
        }

        Assert.Equal(float.PositiveInfinity, Conversion.ToFloat16(float.MaxValue));
        Assert.Equal(float.NegativeInfinity, Conversion.ToFloat16(float.NegativeInfinity));
        Assert.True(float.IsNaN(Conversion.ToFloat16(float.NaN)));
        Assert.Equal(BitConverter.SingleToInt32Bits(-0f), BitConverter.SingleToInt32Bits(Conversion.ToFloat16(-0f)));
    }

    [Fact]
    public void BFloat16TruncatesToEightSignificantBits()
    {
        // 0.47892547 is 0x3EF5_3432 in float32; bfloat16 keeps 0x3EF5, which is 0.478515625.
        float[] x = [0.47892547f, -1.00390625f + (1f / 1024), float.NaN, float.NegativeInfinity];
        var y = new float[4];

        Conversion.ToBFloat16(x, y);

        Assert.Equal(0.478515625f, y[0]);
        Assert.Equal(-1.0f, y[1]);
        Assert.True(float.IsNaN(y[2]));
        Assert.Equal(float.NegativeInfinity, y[3]);
    }

    [Fact]
    public void IntegerDropsTheFractionTowardZero()
    {
        float[] x = [2.9f, -2.9f, 0.5f, 7f];
        var y = new float[4];

        Conversion.ToInteger(x, y);

        Assert.Equal([2f, -2f, 0f, 7f], y);
    }

    [Fact]
    public void BoolIsOneForEveryNonzeroValue()
    {
        float[] x = [0f, -0f, 0.25f, -3f, float.NaN];
        var y = new float[5];

        Conversion.ToBool(x, y);

        Assert.Equal([0f, 0f, 1f, 1f, 1f], y);
    }
}
