using Kiln.Cpu;

namespace Kiln.Runtime.Tests.Cpu;

public class ElementwiseTests
{
    [Fact]
    public void BinaryOperatorsMatchScalarArithmetic()
    {
        // 19 elements: two full vectors of 8 and a scalar tail of 3.
        float[] a = CpuAssert.RandomValues(19, 71);
        float[] b = Array.ConvertAll(CpuAssert.RandomValues(19, 72), value => value + 2f);
        var sum = new float[19];
        var difference = new float[19];
        var product = new float[19];
        var quotient = new float[19];

        Elementwise.Binary<AddOperator>(a, b, sum);
        Elementwise.Binary<SubtractOperator>(a, b, difference);
        Elementwise.Binary<MultiplyOperator>(a, b, product);
        Elementwise.Binary<DivideOperator>(a, b, quotient);

        Assert.Equal(a.Zip(b, (left, right) => left + right), sum);
        Assert.Equal(a.Zip(b, (left, right) => left - right), difference);
        Assert.Equal(a.Zip(b, (left, right) => left * right), product);
        Assert.Equal(a.Zip(b, (left, right) => left / right), quotient);
    }

    [Fact]
    public void DivideByZeroFollowsIeee()
    {
        var y = new float[3];

        Elementwise.Binary<DivideOperator>([1f, -1f, 0f], [0f, 0f, 0f], y);

        Assert.Equal(float.PositiveInfinity, y[0]);
        Assert.Equal(float.NegativeInfinity, y[1]);
        Assert.True(float.IsNaN(y[2]));
    }

    [Fact]
    public void BinaryInPlace()
    {
        float[] a = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

        Elementwise.Binary<MultiplyOperator>(a, a, a);

        Assert.Equal([1f, 4f, 9f, 16f, 25f, 36f, 49f, 64f, 81f, 100f], a);
    }

    [Fact]
    public void BinaryLengthMismatchThrows()
    {
        var error = Assert.Throws<ArgumentException>(() => Elementwise.Binary<AddOperator>(new float[3], new float[2], new float[3]));

        Assert.Equal("b", error.ParamName);
    }

    [Fact]
    public void ReluKeepsNaNAndClearsNegatives()
    {
        // The first 8 elements take the vector path and the last 3 the scalar one, so each case appears in both.
        float[] x = [-1f, 0f, 2f, float.NaN, float.NegativeInfinity, float.PositiveInfinity, -0.5f, 3f, float.NaN, -2f, 1f];
        var y = new float[x.Length];

        Elementwise.Unary<ReluOperator>(x, y);

        CpuAssert.Close([0f, 0f, 2f, float.NaN, 0f, float.PositiveInfinity, 0f, 3f, float.NaN, 0f, 1f], y, 0);
    }

    [Fact]
    public void ReluKeepsNegativeZero()
    {
        // Element 0 takes the vector path and element 8 the scalar one.
        float[] x = [-0f, 1, 1, 1, 1, 1, 1, 1, -0f];
        var y = new float[x.Length];

        Elementwise.Unary<ReluOperator>(x, y);

        Assert.True(float.IsNegative(y[0]));
        Assert.True(float.IsNegative(y[8]));
    }

    [Fact]
    public void UnaryLengthMismatchThrows()
    {
        var error = Assert.Throws<ArgumentException>(() => Elementwise.Unary<ReluOperator>(new float[3], new float[4]));

        Assert.Equal("y", error.ParamName);
    }

    [Fact]
    public void BroadcastHandWorkedScalar()
    {
        var y = new float[3];

        Elementwise.BroadcastBinary<AddOperator>([1, 2, 3], [1], [10], [0], y, [3]);

        Assert.Equal([11f, 12f, 13f], y);
    }

    [Fact]
    public void BroadcastHandWorkedOuterProduct()
    {
        // A is 2×1 and B is 1×3, so the output is the 2×3 table of products.
        var y = new float[6];

        Elementwise.BroadcastBinary<MultiplyOperator>([1, 2], [1, 0], [1, 2, 3], [0, 1], y, [2, 3]);

        Assert.Equal([1f, 2f, 3f, 2f, 4f, 6f], y);
    }

    /// <summary>Broadcast cases as output shape, A strides and length, B strides and length.</summary>
    public static TheoryData<int[], int[], int, int[], int> BroadcastCases => new()
    {
        { [2, 3, 20], [60, 20, 1], 120, [60, 20, 1], 120 },
        { [2, 3, 20], [60, 20, 1], 120, [0, 0, 0], 1 },
        { [2, 3, 20], [0, 0, 0], 1, [60, 20, 1], 120 },
        { [2, 3, 20], [60, 20, 1], 120, [0, 1, 0], 3 },
        { [2, 3, 20], [60, 20, 1], 120, [0, 0, 1], 20 },
        { [2, 3, 20], [20, 0, 1], 40, [0, 1, 0], 3 },
        { [3, 2], [1, 3], 6, [2, 1], 6 },
        { [2, 1, 3, 1, 2, 1, 1, 5], [30, 0, 10, 0, 5, 0, 0, 1], 60, [0, 0, 1, 0, 0, 0, 0, 0], 3 },
        { [4, 9], [0, 1], 9, [1, 0], 4 },
    };

    [Theory]
    [MemberData(nameof(BroadcastCases))]
    public void BroadcastMatchesReference(int[] shape, int[] aStrides, int aLength, int[] bStrides, int bLength)
    {
        float[] a = CpuAssert.RandomValues(aLength, 73);
        float[] b = Array.ConvertAll(CpuAssert.RandomValues(bLength, 74), value => value + 2f);
        int count = shape.Aggregate(1, (product, size) => product * size);
        var expected = new float[count];
        var position = new int[shape.Length];
        for (int i = 0; i < count; i++)
        {
            int aIndex = 0;
            int bIndex = 0;
            for (int axis = 0; axis < shape.Length; axis++)
            {
                aIndex += position[axis] * aStrides[axis];
                bIndex += position[axis] * bStrides[axis];
            }

            expected[i] = a[aIndex] / b[bIndex];
            for (int axis = shape.Length - 1; axis >= 0 && ++position[axis] == shape[axis]; axis--)
            {
                position[axis] = 0;
            }
        }

        var y = new float[count];
        Elementwise.BroadcastBinary<DivideOperator>(a, aStrides, b, bStrides, y, shape);

        Assert.Equal(expected, y);
    }

    [Fact]
    public void BroadcastEmptyShapeWritesNothing()
    {
        Elementwise.BroadcastBinary<AddOperator>([], [0, 0], [], [0, 0], [], [2, 0]);
    }

    [Fact]
    public void BroadcastPropagatesNaN()
    {
        var y = new float[4];

        Elementwise.BroadcastBinary<AddOperator>([1, 2, 3, 4], [2, 1], [float.NaN, 0], [1, 0], y, [2, 2]);

        CpuAssert.Close([float.NaN, float.NaN, 3f, 4f], y, 0);
    }

    [Fact]
    public void BroadcastShortInputThrows()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            Elementwise.BroadcastBinary<AddOperator>(new float[5], [3, 1], new float[1], [0, 0], new float[6], [2, 3]));

        Assert.Equal("a", error.ParamName);
        Assert.Contains("expected at least 6 floats", error.Message);
    }

    [Fact]
    public void BroadcastRankAboveEightThrows()
    {
        var strides = new int[9];
        var shape = Enumerable.Repeat(1, 9).ToArray();

        var error = Assert.Throws<ArgumentException>(() =>
            Elementwise.BroadcastBinary<AddOperator>(new float[1], strides, new float[1], strides, new float[1], shape));

        Assert.Equal("shape", error.ParamName);
    }

    [Fact]
    public void BroadcastStrideCountMismatchThrows()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            Elementwise.BroadcastBinary<AddOperator>(new float[2], [1], new float[2], [1, 0], new float[2], [2]));

        Assert.Equal("bStrides", error.ParamName);
    }
}
