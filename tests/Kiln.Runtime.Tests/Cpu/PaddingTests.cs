using Kiln.Cpu;

namespace Kiln.Runtime.Tests.Cpu;

public class PaddingTests
{
    [Fact]
    public void PadConstantMatrix()
    {
        // [[1, 2], [3, 4]] with one row above and one column on the right, filled with 9.
        var destination = new float[9];

        Padding.Pad([1, 2, 3, 4], destination, sourceShape: [2, 2], destinationShape: [3, 3], padsBegin: [1, 0], PadMode.Constant, value: 9);

        Assert.Equal([9f, 9f, 9f, 1f, 2f, 9f, 3f, 4f, 9f], destination);
    }

    [Fact]
    public void PadReflectVector()
    {
        // [1, 2, 3] padded by 2 on both sides mirrors without repeating the border element.
        var destination = new float[7];

        Padding.Pad([1, 2, 3], destination, sourceShape: [3], destinationShape: [7], padsBegin: [2], PadMode.Reflect);

        Assert.Equal([3f, 2f, 1f, 2f, 3f, 2f, 1f], destination);
    }

    [Fact]
    public void PadReflectBeyondOnePeriod()
    {
        // Pads longer than the axis keep mirroring: [1, 2] read from index −3 on is 2, 1, 2, 1, 2, 1.
        var destination = new float[6];

        Padding.Pad([1, 2], destination, sourceShape: [2], destinationShape: [6], padsBegin: [3], PadMode.Reflect);

        Assert.Equal([2f, 1f, 2f, 1f, 2f, 1f], destination);
    }

    [Fact]
    public void PadEdgeVector()
    {
        var destination = new float[6];

        Padding.Pad([1, 2, 3], destination, sourceShape: [3], destinationShape: [6], padsBegin: [1], PadMode.Edge);

        Assert.Equal([1f, 1f, 2f, 3f, 3f, 3f], destination);
    }

    [Fact]
    public void PadNegativeBeginCrops()
    {
        // padsBegin −1 on the columns of [[1, 2, 3], [4, 5, 6]] drops the first column.
        var destination = new float[4];

        Padding.Pad([1, 2, 3, 4, 5, 6], destination, sourceShape: [2, 3], destinationShape: [2, 2], padsBegin: [0, -1], PadMode.Constant);

        Assert.Equal([2f, 3f, 5f, 6f], destination);
    }

    [Fact]
    public void PadWrongSourceLengthThrows()
    {
        var error = Assert.Throws<ArgumentException>(
            () => Padding.Pad(new float[3], new float[4], sourceShape: [2, 2], destinationShape: [2, 2], padsBegin: [0, 0], PadMode.Constant));

        Assert.Equal("source", error.ParamName);
    }

    [Fact]
    public void PadEdgeOfEmptyAxisThrows()
    {
        var error = Assert.Throws<ArgumentException>(
            () => Padding.Pad([], new float[2], sourceShape: [0], destinationShape: [2], padsBegin: [1], PadMode.Edge));

        Assert.Equal("sourceShape", error.ParamName);
    }
}
