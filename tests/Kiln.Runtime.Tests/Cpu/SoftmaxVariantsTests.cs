using Kiln.Cpu;

namespace Kiln.Runtime.Tests.Cpu;

public class SoftmaxVariantsTests
{
    [Fact]
    public void LogSoftmaxHandWorked()
    {
        // exp(ln 3) = 3, so the two probabilities are 1/4 and 3/4.
        var y = new float[2];

        LogSoftmax.Forward([0f, MathF.Log(3f)], y, 1, 2, 1);

        CpuAssert.Close([MathF.Log(0.25f), MathF.Log(0.75f)], y, 1e-6);
    }

    [Fact]
    public void LogSoftmaxLargeValuesDoNotOverflow()
    {
        var y = new float[4];

        LogSoftmax.Forward([10000f, 10001f, 10002f, 10003f], y, 1, 4, 1);

        CpuAssert.Close([-3.4401896f, -2.4401896f, -1.4401896f, -0.44018966f], y, 1e-6);
    }

    [Theory]
    [InlineData(3, 37, 1)]
    [InlineData(3, 7, 5)]
    [InlineData(2, 3, 300)]
    [InlineData(1, 1, 9)]
    public void LogSoftmaxMatchesReference(int outer, int axisLength, int inner)
    {
        float[] x = Array.ConvertAll(CpuAssert.RandomValues(outer * axisLength * inner, 91), value => 10 * value);
        var expected = new double[x.Length];
        for (int o = 0; o < outer; o++)
        {
            for (int i = 0; i < inner; i++)
            {
                int Index(int a) => (o * axisLength + a) * inner + i;
                double max = Enumerable.Range(0, axisLength).Max(a => (double)x[Index(a)]);
                double logSum = Math.Log(Enumerable.Range(0, axisLength).Sum(a => Math.Exp(x[Index(a)] - max)));
                for (int a = 0; a < axisLength; a++)
                {
                    expected[Index(a)] = x[Index(a)] - max - logSum;
                }
            }
        }

        var y = new float[x.Length];

        LogSoftmax.Forward(x, y, outer, axisLength, inner);

        CpuAssert.Close(expected, y, 1e-5);
    }

    [Fact]
    public void LogSoftmaxNaNSpoilsOnlyItsSlice()
    {
        // Shape 2×2×2 along the middle axis: the NaN is in the slice of elements 0 and 2.
        var y = new float[8];

        LogSoftmax.Forward([float.NaN, 1f, 2f, 1f, 0f, 0f, 0f, 0f], y, 2, 2, 2);

        Assert.True(float.IsNaN(y[0]));

        Assert.True(float.IsNaN(y[2]));
        CpuAssert.Close([MathF.Log(0.5f), MathF.Log(0.5f)], [y[1], y[3]], 1e-6);
        CpuAssert.Close(Enumerable.Repeat(MathF.Log(0.5f), 4).ToArray(), y.AsSpan(4), 1e-6);
    }

    [Fact]
    public void LogSoftmaxLengthMismatchThrows()
    {
        var error = Assert.Throws<ArgumentException>(() => LogSoftmax.Forward(new float[6], new float[5], 2, 3, 1));

        Assert.Equal("y", error.ParamName);
    }

    [Fact]
    public void HardmaxHandWorked()
    {
        float[] x = [3f, 0f, 1f, 2f, 2f, 5f, 1f, 0f, 3f, 3f, 3f, 1f];
        var y = new float[12];

        Hardmax.Forward(x, y, 3, 4, 1);

        Assert.Equal([1f, 0f, 0f, 0f, 0f, 1f, 0f, 0f, 1f, 0f, 0f, 0f], y);
    }

    [Fact]
    public void HardmaxNaNIsTheMaximum()
    {
        // Rows: a NaN after a larger number, two NaNs, and a NaN first.
        float[] x = [1f, 9f, float.NaN, 2f, float.NaN, 1f, float.NaN, 0f, float.NaN, 7f, 8f, 9f];
        var rows = new float[12];
        var columns = new float[12];

        Hardmax.Forward(x, rows, 3, 4, 1);
        Hardmax.Forward(Transpose(x, 3, 4), columns, 1, 4, 3);

        float[] expected = [0f, 0f, 1f, 0f, 1f, 0f, 0f, 0f, 1f, 0f, 0f, 0f];
        Assert.Equal(expected, rows);
        Assert.Equal(Transpose(expected, 3, 4), columns);
    }

    [Theory]
    [InlineData(3, 7, 5)]
    [InlineData(2, 3, 300)]
    [InlineData(4, 1, 3)]
    public void HardmaxStridedMatchesRows(int outer, int axisLength, int inner)
    {
        // Rounded values make ties, which must go to the first position along the axis.
        float[] x = Array.ConvertAll(CpuAssert.RandomValues(outer * axisLength * inner, 92), value => MathF.Round(3 * value));
        var expected = new float[x.Length];
        for (int o = 0; o < outer; o++)
        {
            for (int i = 0; i < inner; i++)
            {
                int Index(int a) => (o * axisLength + a) * inner + i;
                int best = 0;
                for (int a = 1; a < axisLength; a++)
                {
                    best = x[Index(a)] > x[Index(best)] ? a : best;
                }

                expected[Index(best)] = 1f;
            }
        }

        var y = new float[x.Length];

        Hardmax.Forward(x, y, outer, axisLength, inner);

        Assert.Equal(expected, y);
    }

    [Fact]
    public void HardmaxOverwritesOutput()
    {
        float[] y = [7f, 7f, 7f];

        Hardmax.Forward([1f, 2f, 0f], y, 1, 3, 1);

        Assert.Equal([0f, 1f, 0f], y);
    }

    private static float[] Transpose(float[] values, int rows, int columns)
    {
        var result = new float[values.Length];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns; c++)
            {
                result[c * rows + r] = values[r * columns + c];
            }
        }

        return result;
    }
}
