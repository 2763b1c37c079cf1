using Kiln.Cpu;

namespace Kiln.Runtime.Tests.Cpu;

public class IndexOfExtremumTests
{
    // A 2×3 tensor: rows [1, 5, 5] and [7, 0, 7].
    private static readonly float[] Matrix = [1, 5, 5, 7, 0, 7];

    [Fact]
    public void ArgMaxAlongRowsGivesFirstOfTies()
    {
        var y = new float[2];

        IndexOfExtremum.ArgMax(Matrix, y, outer: 2, length: 3, inner: 1, selectLastIndex: false);

        Assert.Equal([1f, 0f], y);
    }

    [Fact]
    public void ArgMaxSelectLastIndexGivesLastTie()
    {
        var y = new float[2];

        IndexOfExtremum.ArgMax(Matrix, y, outer: 2, length: 3, inner: 1, selectLastIndex: true);

        Assert.Equal([2f, 2f], y);
    }

    [Fact]
    public void ArgMinAlongColumns()
    {
        // Columns [1, 7], [5, 0], [5, 7]: the smallest are at rows 0, 1 and 0.
        var y = new float[3];

        IndexOfExtremum.ArgMin(Matrix, y, outer: 1, length: 2, inner: 3, selectLastIndex: false);

        Assert.Equal([0f, 1f, 0f], y);
    }

    [Fact]
    public void NaNIsTheExtremumWhereverItIs()
    {
        float[] x = [1, float.NaN, 9, 3];
        var y = new float[2];

        IndexOfExtremum.ArgMax(x, y, outer: 2, length: 2, inner: 1, selectLastIndex: false);

        Assert.Equal([1f, 0f], y);
    }

    [Fact]
    public void WrongOutputLengthNamesTheArgument()
    {
        var exception = Assert.Throws<ArgumentException>(() =>
            IndexOfExtremum.ArgMax(Matrix, new float[3], outer: 2, length: 3, inner: 1, selectLastIndex: false));

        Assert.Equal("y", exception.ParamName);
    }
}
