using System.Globalization;
using Kiln.Compiler.Emit;

namespace Kiln.Compiler.Tests;

/// <summary>Float literals in generated code: the shortest text that reads back as the same float.</summary>
public sealed class LiteralsTests
{
    [Theory]
    [InlineData(1e-5f, "1E-05f")]
    [InlineData(0.1f, "0.1f")]
    [InlineData(0.5f, "0.5f")]
    [InlineData(2f, "2f")]
    [InlineData(float.MaxValue, "3.4028235E+38f")]
    [InlineData(float.Epsilon, "1E-45f")]
    [InlineData(-0f, "-0f")]
    [InlineData(float.NaN, "float.NaN")]
    [InlineData(float.NegativeInfinity, "float.NegativeInfinity")]
    public void FloatIsShortest(float value, string expected)
    {
        Assert.Equal(expected, Literals.Float(value));
    }

    [Fact]
    public void FloatRoundTripsRandomBitPatterns()
    {
        var random = new Random(7);
        for (int i = 0; i < 100_000; i++)
        {
            float value = BitConverter.Int32BitsToSingle(random.Next(int.MinValue, int.MaxValue));
            if (!float.IsFinite(value))
            {
                continue;
            }

            string literal = Literals.Float(value);
            float parsed = float.Parse(literal.TrimEnd('f'), NumberStyles.Float, CultureInfo.InvariantCulture);
            Assert.True(BitConverter.SingleToInt32Bits(parsed) == BitConverter.SingleToInt32Bits(value), $"{literal} reads back as {parsed:G9}, not {value:G9}.");
        }
    }
}
