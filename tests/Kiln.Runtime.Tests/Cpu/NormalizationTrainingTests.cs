using Kiln.Cpu;

namespace Kiln.Runtime.Tests.Cpu;

public class NormalizationTrainingTests
{
    [Fact]
    public void BatchStatisticsHandWorked()
    {
        // One channel, two images of two values: [1, 3] and [5, 7]. The batch mean is 4 and the population variance
        // (9 + 1 + 1 + 9)/4 = 5. With epsilon 4 the divisor is 3, so scale 3 and bias 1 give y = x − 4 + 1.
        // The running statistics mix the inputs 10 and 1 with the batch's 4 and 5 at momentum 0.9: 9 + 0.4 and 0.9 + 0.5.
        var y = new float[4];
        var runningMean = new float[1];
        var runningVariance = new float[1];

        Normalization.BatchNormalizationTraining(
            [1, 3, 5, 7], [3], [1], [10], [1], y, runningMean, runningVariance,
            batch: 2, channels: 1, spatial: 2, epsilon: 4, momentum: 0.9f);

        Assert.Equal([-2f, 0f, 2f, 4f], y);
        Assert.Equal(9.4f, runningMean[0], 5);
        Assert.Equal(1.4f, runningVariance[0], 5);
    }

    [Fact]
    public void ChannelsUseTheirOwnStatistics()
    {
        // Two images of two channels with one value each: channel 0 has [2, 4] (mean 3, variance 1) and channel 1
        // has [10, 14] (mean 12, variance 4). With epsilon 0 both normalize to [−1, 1], and channel 1 adds its bias 5.
        var y = new float[4];
        var runningMean = new float[2];

        Normalization.BatchNormalizationTraining(
            [2, 10, 4, 14], [1, 1], [0, 5], [0, 0], [0, 0], y, runningMean, default,
            batch: 2, channels: 2, spatial: 1, epsilon: 0, momentum: 0.5f);

        Assert.Equal([-1f, 4f, 1f, 6f], y);
        Assert.Equal([1.5f, 6f], runningMean);
    }

    [Fact]
    public void EmptyRunningOutputsAreSkipped()
    {
        var y = new float[2];

        Normalization.BatchNormalizationTraining(
            [1, 3], [1], [0], [0], [1], y, default, default,
            batch: 1, channels: 1, spatial: 2, epsilon: 0, momentum: 0.9f);

        Assert.Equal([-1f, 1f], y);
    }

    [Fact]
    public void ShortRunningMeanThrows()
    {
        var error = Assert.Throws<ArgumentException>(() => Normalization.BatchNormalizationTraining(
            [1, 3, 5, 7], [1, 1], [0, 0], [0, 0], [1, 1], new float[4], new float[1], default,
            batch: 1, channels: 2, spatial: 2, epsilon: 1e-5f, momentum: 0.9f));

        Assert.Equal("runningMean", error.ParamName);
    }
}
