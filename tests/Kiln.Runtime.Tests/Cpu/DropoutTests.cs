using Kiln.Cpu;

namespace Kiln.Runtime.Tests.Cpu;

public class DropoutTests
{
    private static readonly float[] X = [1f, 2f, -4f];

    [Fact]
    public void InferenceCopiesAndKeepsEveryValue()
    {
        var y = new float[3];
        var mask = new float[3];

        Dropout.Apply(X, ratio: [0.9f], trainingMode: [0f], y, mask, seed: 0);

        Assert.Equal(X, y);
        Assert.Equal([1f, 1f, 1f], mask);
    }

    [Fact]
    public void TrainingDropsBelowRatioAndScales()
    {
        // NumPy's numpy.random.seed(0) followed by uniform(0, 1, 3) draws 0.5488135, 0.71518937 and 0.60276338.
        // With ratio 0.55 the first value is dropped and the others are scaled by 1 / 0.45.
        var y = new float[3];
        var mask = new float[3];

        Dropout.Apply(X, ratio: [0.55f], trainingMode: [1f], y, mask, seed: 0);

        Assert.Equal([0f, 1f, 1f], mask);
        Assert.Equal(0f, y[0]);
        Assert.Equal(2f / 0.45f, y[1], 5);
        Assert.Equal(-4f / 0.45f, y[2], 5);
    }

    [Fact]
    public void TrainingWithRatioAboveDrawsDropsThemAll()
    {
        // All three draws above lie below 0.75, so every value is dropped.
        var y = new float[3];

        Dropout.Apply(X, ratio: [0.75f], trainingMode: [1f], y, default, seed: 0);

        Assert.Equal([0f, 0f, -0f], y);
    }

    [Fact]
    public void RatioOfOneIsRejectedInTraining()
    {
        var exception = Assert.Throws<ArgumentOutOfRangeException>(() =>
            Dropout.Apply(X, ratio: [1f], trainingMode: [1f], new float[3], default, seed: 0));

        Assert.Equal("ratio", exception.ParamName);
    }
}
