using Kiln.Cpu;

namespace Kiln.Runtime.Tests.Cpu;

public class LpPoolingTests
{
    [Fact]
    public void LpPool2DHandWorked()
    {
        // A 2×2 window over the 2×3 plane [[3, −4, 0], [0, 0, 12]] with stride 1: windows [3, −4, 0, 0] and [−4, 0, 0, 12].
        float[] x = [3, -4, 0, 0, 0, 12];
        var l2 = new float[2];
        var l1 = new float[2];
        var geometry = new Pool2DGeometry(1, 1, 2, 3, 1, 2, 2, 2, 1, 1, 1, 1, 0, 0, 0, 0);

        Pooling.LpPool2D(x, l2, geometry, p: 2);
        Pooling.LpPool2D(x, l1, geometry, p: 1);

        Assert.Equal([5f, MathF.Sqrt(160)], l2);
        Assert.Equal([7f, 16f], l1);
    }

    [Fact]
    public void LpPool2DPaddingAddsNothing()
    {
        // A 1×1 input padded by 1 on every side under one 3×3 window: eight zeros and −2 give (|−2|³)^(1/3) = 2.
        float[] x = [-2];
        var y = new float[1];
        var geometry = new Pool2DGeometry(1, 1, 1, 1, 1, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1);

        Pooling.LpPool2D(x, y, geometry, p: 3);

        CpuAssert.Close([2.0], y);
    }

    [Fact]
    public void LpPool2DMatchesReference()
    {
        // 2 channels of 5×4, window 3×2, stride 2×1, pads top 1 and left 1: the output is 2×3 per channel.
        float[] x = CpuAssert.RandomValues(40, 91);
        var geometry = new Pool2DGeometry(1, 2, 5, 4, 3, 4, 3, 2, 2, 1, 1, 1, 1, 1, 1, 0);
        var expected = new double[24];
        for (int channel = 0; channel < 2; channel++)
        {
            for (int oh = 0; oh < 3; oh++)
            {
                for (int ow = 0; ow < 4; ow++)
                {
                    double sum = 0;
                    for (int kh = 0; kh < 3; kh++)
                    {
                        for (int kw = 0; kw < 2; kw++)
                        {
                            int row = oh * 2 - 1 + kh;
                            int column = ow - 1 + kw;
                            if (row >= 0 && row < 5 && column >= 0 && column < 4)
                            {
                                sum += Math.Pow(Math.Abs(x[(channel * 5 + row) * 4 + column]), 3);
                            }
                        }
                    }

                    expected[(channel * 3 + oh) * 4 + ow] = Math.Pow(sum, 1.0 / 3);
                }
            }
        }

        var y = new float[24];
        Pooling.LpPool2D(x, y, geometry, p: 3);

        CpuAssert.Close(expected, y);
    }

    [Fact]
    public void LpPool2DZeroOrderThrows()
    {
        var geometry = new Pool2DGeometry(1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0);

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Pooling.LpPool2D(new float[1], new float[1], geometry, p: 0));

        Assert.Equal("p", error.ParamName);
    }
}
