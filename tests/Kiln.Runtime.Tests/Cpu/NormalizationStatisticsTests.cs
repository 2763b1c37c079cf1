using Kiln.Cpu;

namespace Kiln.Runtime.Tests.Cpu;

public class NormalizationStatisticsTests
{
    [Fact]
    public void InstanceNormalizationHandWorked()
    {
        // Channel 0 is [1, 3]: mean 2, variance 1, so y = 2·(x − 2) + 0.5. Channel 1 is [4, 6]: mean 5, variance 1, so y = x − 5 − 1.
        float[] x = [1, 3, 4, 6];
        var y = new float[4];

        Normalization.InstanceNormalization(x, [2, 1], [0.5f, -1], y, batch: 1, channels: 2, spatial: 2, epsilon: 0f);

        Assert.Equal(-1.5f, y[0]);
        Assert.Equal(2.5f, y[1]);
        Assert.Equal(-2f, y[2]);
        Assert.Equal(0f, y[3]);
    }

    [Fact]
    public void InstanceNormalizationEpsilonHandWorked()
    {
        // [0, 2]: mean 1, variance 1, epsilon 3, so y = (x − 1)/2.
        var y = new float[2];

        Normalization.InstanceNormalization([0, 2], [1], [0], y, 1, 1, 2, epsilon: 3f);

        Assert.Equal([-0.5f, 0.5f], y);
    }

    [Fact]
    public void LayerNormalizationHandWorked()
    {
        // Row [1, 3]: mean 2, 1/stddev 1. Row [2, 6]: mean 4, 1/stddev 0.5. Scale [1, 2], bias [0, 1].
        float[] x = [1, 3, 2, 6];
        var y = new float[4];
        var mean = new float[2];
        var inverseStdDev = new float[2];

        Normalization.LayerNormalization(x, [1, 2], [0, 1], y, mean, inverseStdDev, rows: 2, columns: 2, epsilon: 0f);

        Assert.Equal([-1f, 3f, -1f, 3f], y);
        Assert.Equal([2f, 4f], mean);
        Assert.Equal([1f, 0.5f], inverseStdDev);
    }

    [Fact]
    public void LayerNormalizationWithoutBias()
    {
        var y = new float[2];

        Normalization.LayerNormalization([1, 3], [1, 1], default, y, default, default, rows: 1, columns: 2, epsilon: 0f);

        Assert.Equal([-1f, 1f], y);
    }

    [Fact]
    public void LayerNormalizationShortScaleThrows()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            Normalization.LayerNormalization(new float[4], new float[1], default, new float[4], default, default, 2, 2, 0f));

        Assert.Equal("scale", error.ParamName);
    }

    [Fact]
    public void MeanVarianceNormalizationHandWorked()
    {
        // Shape 2×2 normalized over axis 0: column [1, 3] and column [2, 6] each become [−1, 1] (to within 1e-9).
        float[] x = [1, 2, 3, 6];
        var y = new float[4];

        Normalization.MeanVarianceNormalization(x, y, [2, 2], reducedAxes: 0b01);

        CpuAssert.Close([-1.0, -1.0, 1.0, 1.0], y);
    }

    [Fact]
    public void MeanVarianceNormalizationMatchesReference()
    {
        // Shape 2×3×4 over axes 0 and 2, the statistics per index of axis 1, checked against direct sums.
        float[] x = CpuAssert.RandomValues(24, 81);
        var expected = new double[24];
        for (int j = 0; j < 3; j++)
        {
            var indices = new List<int>();
            for (int i = 0; i < 2; i++)
            {
                for (int k = 0; k < 4; k++)
                {
                    indices.Add((i * 3 + j) * 4 + k);
                }
            }

            double mean = indices.Average(index => (double)x[index]);
            double variance = indices.Average(index => (x[index] - mean) * (x[index] - mean));
            foreach (int index in indices)
            {
                expected[index] = (x[index] - mean) / (Math.Sqrt(variance) + 1e-9);
            }
        }

        var y = new float[24];
        Normalization.MeanVarianceNormalization(x, y, [2, 3, 4], reducedAxes: 0b101);

        CpuAssert.Close(expected, y);
    }
}
