using Kiln.Cpu;

namespace Kiln.Runtime.Tests.Cpu;

public class SoftmaxTests
{
    [Fact]
    public void HandWorked()
    {
        // exp(ln 3) = 3, so the two probabilities are 1/4 and 3/4.
        var y = new float[2];

        Softmax.Forward([0f, MathF.Log(3f)], y, 1, 2, 1);

        CpuAssert.Close([0.25f, 0.75f], y, 1e-6);
    }

    [Fact]
    public void HandWorkedInnerAxis()
    {
        // Shape 1×2×2: softmax runs down each column, pairing 0 with ln 3 and 5 with 5.
        var y = new float[4];

        Softmax.Forward([0f, 5f, MathF.Log(3f), 5f], y, 1, 2, 2);

        CpuAssert.Close([0.25f, 0.5f, 0.75f, 0.5f], y, 1e-6);
    }

    [Theory]
    [InlineData(3, 37, 1)]
    [InlineData(3, 7, 5)]
    [InlineData(2, 3, 300)]
    [InlineData(1, 1, 9)]
    public void MatchesReference(int outer, int axisLength, int inner)
    {
        float[] x = Array.ConvertAll(CpuAssert.RandomValues(outer * axisLength * inner, 61), value => 10 * value);
        var expected = new double[x.Length];
        for (int o = 0; o < outer; o++)
        {
            for (int i = 0; i < inner; i++)
            {
                double maximum = double.NegativeInfinity;
                for (int a = 0; a < axisLength; a++)
                {
                    maximum = Math.Max(maximum, x[(o * axisLength + a) * inner + i]);
                }

                double sum = 0;
                for (int a = 0; a < axisLength; a++)
                {
                    sum += Math.Exp(x[(o * axisLength + a) * inner + i] - maximum);
                }

                for (int a = 0; a < axisLength; a++)
                {
                    int index = (o * axisLength + a) * inner + i;
                    expected[index] = Math.Exp(x[index] - maximum) / sum;
                }
            }
        }

        var y = new float[x.Length];
        Softmax.Forward(x, y, outer, axisLength, inner);

        CpuAssert.Close(expected, y);
    }

    [Fact]
    public void LargeValuesDoNotOverflow()
    {
        var y = new float[2];

        Softmax.Forward([1000f, 1000f], y, 1, 2, 1);

        Assert.Equal([0.5f, 0.5f], y);
    }

    [Fact]
    public void NaNSpreadsOnlyInItsRow()
    {
        float[] x = CpuAssert.RandomValues(20, 62);
        x[4] = float.NaN;
        var y = new float[20];

        Softmax.Forward(x, y, 2, 10, 1);

        Assert.All(y[..10], value => Assert.True(float.IsNaN(value)));
        Assert.DoesNotContain(y[10..], float.IsNaN);
    }

    [Fact]
    public void NaNSpreadsOnlyInItsColumn()
    {
        float[] x = CpuAssert.RandomValues(30, 63);
        x[10 + 3] = float.NaN;
        var y = new float[30];

        Softmax.Forward(x, y, 1, 3, 10);

        for (int i = 0; i < 30; i++)
        {
            Assert.Equal(i % 10 == 3, float.IsNaN(y[i]));
        }
    }

    [Fact]
    public void ShortOutputThrows()
    {
        var error = Assert.Throws<ArgumentException>(() => Softmax.Forward(new float[6], new float[5], 2, 3, 1));

        Assert.Equal("y", error.ParamName);
    }
}
