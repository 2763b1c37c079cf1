using Kiln.Cpu;

namespace Kiln.Runtime.Tests.Cpu;

public class SelectionTests
{
    [Fact]
    public void WhereBroadcastsAConditionRowAndAScalar()
    {
        // Output 2×3: condition [1, 0, 1] for every row, X the 2×3 values, Y the scalar −1.
        float[] condition = [1, 0, 1];
        float[] x = [1, 2, 3, 4, 5, 6];
        float[] otherwise = [-1];
        var y = new float[6];

        Selection.Where(condition, [0, 1], x, [3, 1], otherwise, [0, 0], y, [2, 3]);

        Assert.Equal([1f, -1f, 3f, 4f, -1f, 6f], y);
    }

    [Fact]
    public void WhereWithEqualShapesPicksElementByElement()
    {
        float[] condition = [0, 1, 1, 0];
        float[] x = [10, 20, 30, 40];
        float[] otherwise = [-10, -20, -30, -40];
        var y = new float[4];

        Selection.Where(condition, [2, 1], x, [2, 1], otherwise, [2, 1], y, [2, 2]);

        Assert.Equal([-10f, 20f, 30f, -40f], y);
    }

    [Fact]
    public void StridesReachingPastAnInputAreRefused()
    {
        var exception = Assert.Throws<ArgumentException>(() =>
            Selection.Where([1, 0], [1], [1, 2, 3], [1], [0], [0], new float[3], [3]));

        Assert.Equal("condition", exception.ParamName);
    }
}
