using Kiln.Cpu;

namespace Kiln.Runtime.Tests.Cpu;

public class StridedCopyTests
{
    [Fact]
    public void CopyTransposesMatrix()
    {
        // The 2×3 matrix [[1, 2, 3], [4, 5, 6]] read column by column gives its 3×2 transpose.
        var destination = new float[6];

        StridedCopy.Copy([1, 2, 3, 4, 5, 6], destination, shape: [3, 2], sourceStrides: [1, 3]);

        Assert.Equal([1f, 4f, 2f, 5f, 3f, 6f], destination);
    }

    [Fact]
    public void CopyNegativeStrideReverses()
    {
        // Slice [::-2] of [0, 1, 2, 3, 4] starts at index 4.
        var destination = new float[3];

        StridedCopy.Copy([0, 1, 2, 3, 4], destination, shape: [3], sourceStrides: [-2], sourceOffset: 4);

        Assert.Equal([4f, 2f, 0f], destination);
    }

    [Fact]
    public void CopyZeroStrideRepeats()
    {
        // Tile of [7, 8] by 2 is the shape 2×2 with a stride 0 on the repeat axis.
        var destination = new float[4];

        StridedCopy.Copy([7, 8], destination, shape: [2, 2], sourceStrides: [0, 1]);

        Assert.Equal([7f, 8f, 7f, 8f], destination);
    }

    [Fact]
    public void CopyScalarShape()
    {
        var destination = new float[1];

        StridedCopy.Copy([3, 9], destination, shape: [], sourceStrides: [], sourceOffset: 1);

        Assert.Equal([9f], destination);
    }

    [Fact]
    public void CopyEmptyShapeWritesNothing()
    {
        StridedCopy.Copy([], [], shape: [2, 0], sourceStrides: [5, 1]);
    }

    [Fact]
    public void CopyReadPastSourceThrows()
    {
        var error = Assert.Throws<ArgumentException>(() => StridedCopy.Copy(new float[4], new float[3], shape: [3], sourceStrides: [2]));

        Assert.Equal("sourceStrides", error.ParamName);
        Assert.Contains("indices 0 to 4", error.Message);
    }

    [Fact]
    public void CopyWrongDestinationLengthThrows()
    {
        var error = Assert.Throws<ArgumentException>(() => StridedCopy.Copy(new float[4], new float[3], shape: [2, 2], sourceStrides: [2, 1]));

        Assert.Equal("destination", error.ParamName);
    }

    [Fact]
    public void CopyRankMismatchThrows()
    {
        var error = Assert.Throws<ArgumentException>(() => StridedCopy.Copy(new float[4], new float[4], shape: [2, 2], sourceStrides: [1]));

        Assert.Equal("sourceStrides", error.ParamName);
    }
}
