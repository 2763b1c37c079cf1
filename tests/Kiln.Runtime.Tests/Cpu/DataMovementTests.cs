using Kiln.Cpu;

namespace Kiln.Runtime.Tests.Cpu;

public class DataMovementTests
{
    [Fact]
    public void CopyBlocksHandWorkedConcat()
    {
        // Two rows of 2 go into the left half of two rows of 4, as Concat along the last axis would place them.
        float[] destination = [0, 0, 9, 9, 0, 0, 9, 9];

        DataMovement.CopyBlocks([1, 2, 3, 4], destination, count: 2, blockLength: 2, sourceStride: 2, destinationStride: 4);

        Assert.Equal([1f, 2f, 9f, 9f, 3f, 4f, 9f, 9f], destination);
    }

    [Fact]
    public void CopyBlocksHandWorkedSplit()
    {
        // The right halves of two rows of 3, as Split along the last axis would take them.
        var destination = new float[2];

        DataMovement.CopyBlocks([1, 2, 3, 4, 5, 6], destination, count: 2, blockLength: 1, sourceStride: 3, destinationStride: 1);

        Assert.Equal([1f, 4f], destination);
    }

    [Fact]
    public void CopyBlocksContiguous()
    {
        float[] source = CpuAssert.RandomValues(12, 81);
        var destination = new float[12];

        DataMovement.CopyBlocks(source, destination, 3, 4, 4, 4);

        Assert.Equal(source, destination);
    }

    [Fact]
    public void CopyBlocksNothingToCopy()
    {
        DataMovement.CopyBlocks([], [], 0, 5, 5, 5);
    }

    [Fact]
    public void CopyBlocksShortDestinationThrows()
    {
        var error = Assert.Throws<ArgumentException>(() => DataMovement.CopyBlocks(new float[4], new float[5], 2, 2, 2, 4));

        Assert.Equal("destination", error.ParamName);
        Assert.Contains("expected at least 6 floats", error.Message);
    }

    [Fact]
    public void CopyBlocksNegativeCountThrows()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => DataMovement.CopyBlocks(new float[4], new float[4], -1, 2, 2, 2));
    }
}
