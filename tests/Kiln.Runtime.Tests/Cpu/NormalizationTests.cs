using Kiln.Cpu;

namespace Kiln.Runtime.Tests.Cpu;

public class NormalizationTests
{
    [Fact]
    public void BatchNormalizationHandWorked()
    {
        // Channel 0 gives (x − 1)/sqrt(4)·2 + 0.5, and channel 1 (x − 3)/sqrt(0.25)·1 − 1.
        float[] x = [1, 2, 3, 4];
        var y = new float[4];

        Normalization.BatchNormalization(x, [2, 1], [0.5f, -1], [1, 3], [4, 0.25f], y, 1, 2, 2, epsilon: 0f);

        Assert.Equal([0.5f, 1.5f, -1f, 1f], y);
    }

    [Fact]
    public void BatchNormalizationMatchesReference()
    {
        const int batch = 2;
        const int channels = 3;
        const int spatial = 13;
        const float epsilon = 1e-5f;
        float[] x = CpuAssert.RandomValues(batch * channels * spatial, 51);
        float[] scale = CpuAssert.RandomValues(channels, 52);
        float[] bias = CpuAssert.RandomValues(channels, 53);
        float[] mean = CpuAssert.RandomValues(channels, 54);
        float[] variance = Array.ConvertAll(CpuAssert.RandomValues(channels, 55), value => value + 1.5f);
        var expected = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            int channel = i / spatial % channels;
            expected[i] = scale[channel] * (x[i] - mean[channel]) / Math.Sqrt(variance[channel] + epsilon) + bias[channel];
        }

        var y = new float[x.Length];
        Normalization.BatchNormalization(x, scale, bias, mean, variance, y, batch, channels, spatial, epsilon);

        CpuAssert.Close(expected, y);
    }

    [Fact]
    public void BatchNormalizationShortMeanThrows()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            Normalization.BatchNormalization(new float[4], new float[2], new float[2], new float[1], new float[2], new float[4], 1, 2, 2, 0f));

        Assert.Equal("mean", error.ParamName);
    }

    [Fact]
    public void LocalResponseNormalizationHandWorked()
    {
        // Size 2 sums channels c and c + 1: square sums 1+4, 4+9, 9. With alpha/size = 1, bias 1, beta 1: y = x/(1 + sum).
        var y = new float[3];

        Normalization.LocalResponseNormalization([1, 2, 3], y, 1, 3, 1, size: 2, alpha: 2f, beta: 1f, bias: 1f);

        CpuAssert.Close([1f / 6, 2f / 14, 3f / 10], y);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public void LocalResponseNormalizationMatchesReference(int size)
    {
        const int batch = 2;
        const int channels = 7;
        const int spatial = 11;
        const float alpha = 1e-2f;
        const float beta = 0.75f;
        const float bias = 2f;
        float[] x = CpuAssert.RandomValues(batch * channels * spatial, 56);
        var expected = new double[x.Length];
        for (int n = 0; n < batch; n++)
        {
            for (int c = 0; c < channels; c++)
            {
                for (int s = 0; s < spatial; s++)
                {
                    double squareSum = 0;
                    for (int neighbor = c - (size - 1) / 2; neighbor <= c + size / 2; neighbor++)
                    {
                        if (neighbor >= 0 && neighbor < channels)
                        {
                            double value = x[(n * channels + neighbor) * spatial + s];
                            squareSum += value * value;
                        }
                    }

                    int index = (n * channels + c) * spatial + s;
                    expected[index] = x[index] / Math.Pow(bias + alpha / size * squareSum, beta);
                }
            }
        }

        var y = new float[x.Length];
        Normalization.LocalResponseNormalization(x, y, batch, channels, spatial, size, alpha, beta, bias);

        CpuAssert.Close(expected, y);
    }

    [Fact]
    public void LocalResponseNormalizationZeroSizeThrows()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            Normalization.LocalResponseNormalization(new float[3], new float[3], 1, 3, 1, 0, 1f, 1f, 1f));
    }
}
