using Kiln.Cpu;

namespace Kiln.Runtime.Tests.Cpu;

public class GatheringTests
{
    // A 3×2 tensor: rows [1, 2], [3, 4], [5, 6].
    private static readonly float[] Data = [1, 2, 3, 4, 5, 6];

    [Fact]
    public void GathersRowsWithNegativeIndices()
    {
        var y = new float[6];

        Gathering.Gather(Data, [2, -3, 1], y, outer: 1, length: 3, inner: 2);

        Assert.Equal([5f, 6f, 1f, 2f, 3f, 4f], y);
    }

    [Fact]
    public void GathersColumns()
    {
        // Axis 1 of the 3×2 tensor: column 1, then column 0.
        var y = new float[6];

        Gathering.Gather(Data, [1, 0], y, outer: 3, length: 2, inner: 1);

        Assert.Equal([2f, 1f, 4f, 3f, 6f, 5f], y);
    }

    [Theory]
    [InlineData(3f)]
    [InlineData(-4f)]
    [InlineData(0.5f)]
    [InlineData(float.NaN)]
    public void IndexOutsideAxisIsRejected(float index)
    {
        var exception = Assert.Throws<ArgumentOutOfRangeException>(() =>
            Gathering.Gather(Data, [0, index], new float[4], outer: 1, length: 3, inner: 2));

        Assert.Contains("index 1", exception.Message);
        Assert.Contains("from -3 to 2", exception.Message);
    }
}
