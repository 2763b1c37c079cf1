using Kiln.Cpu;

namespace Kiln.Runtime.Tests.Cpu;

public class ReductionTests
{
    // A 2×3 tensor: rows [1, 2, 3] and [4, 5, 6].
    private static readonly float[] Matrix = [1, 2, 3, 4, 5, 6];

    [Fact]
    public void SumOverRowsHandWorked()
    {
        var y = new float[2];

        Reduction.Reduce(Matrix, y, [2, 3], reducedAxes: 0b10, ReductionKind.Sum);

        Assert.Equal([6f, 15f], y);
    }

    [Fact]
    public void SumOverColumnsHandWorked()
    {
        var y = new float[3];

        Reduction.Reduce(Matrix, y, [2, 3], reducedAxes: 0b01, ReductionKind.Sum);

        Assert.Equal([5f, 7f, 9f], y);
    }

    [Theory]
    [InlineData(ReductionKind.Sum, 21f)]
    [InlineData(ReductionKind.Mean, 3.5f)]
    [InlineData(ReductionKind.Max, 6f)]
    [InlineData(ReductionKind.Min, 1f)]
    [InlineData(ReductionKind.Product, 720f)]
    [InlineData(ReductionKind.L1, 21f)]
    [InlineData(ReductionKind.SumSquare, 91f)]
    public void EveryKindOverAllAxes(ReductionKind kind, float expected)
    {
        var y = new float[1];

        Reduction.Reduce(Matrix, y, [2, 3], reducedAxes: 0b11, kind);

        Assert.Equal(expected, y[0]);
    }

    [Fact]
    public void LogarithmicKindsHandWorked()
    {
        // Row [1, 2, 3]: L2 = sqrt(14), log-sum = log 6, log-sum-exp = log(e + e² + e³).
        var l2 = new float[2];
        var logSum = new float[2];
        var logSumExp = new float[2];

        Reduction.Reduce(Matrix, l2, [2, 3], 0b10, ReductionKind.L2);
        Reduction.Reduce(Matrix, logSum, [2, 3], 0b10, ReductionKind.LogSum);
        Reduction.Reduce(Matrix, logSumExp, [2, 3], 0b10, ReductionKind.LogSumExp);

        CpuAssert.Close([Math.Sqrt(14), Math.Sqrt(77)], l2);
        CpuAssert.Close([Math.Log(6), Math.Log(15)], logSum);
        CpuAssert.Close([Math.Log(Math.Exp(1) + Math.Exp(2) + Math.Exp(3)), Math.Log(Math.Exp(4) + Math.Exp(5) + Math.Exp(6))], logSumExp);
    }

    [Fact]
    public void LogSumExpLargeValuesStayFinite()
    {
        // exp(1000) overflows, but 1000 + log(1 + e⁻¹) does not.
        var y = new float[1];

        Reduction.Reduce([1000f, 999f], y, [2], 0b1, ReductionKind.LogSumExp);

        CpuAssert.Close([1000 + Math.Log(1 + Math.Exp(-1))], y);
    }

    [Fact]
    public void LogSumExpInfinitiesPassThrough()
    {
        var negative = new float[1];
        var positive = new float[1];

        Reduction.Reduce([float.NegativeInfinity, float.NegativeInfinity], negative, [2], 0b1, ReductionKind.LogSumExp);
        Reduction.Reduce([float.PositiveInfinity, 1f], positive, [2], 0b1, ReductionKind.LogSumExp);

        Assert.Equal(float.NegativeInfinity, negative[0]);
        Assert.Equal(float.PositiveInfinity, positive[0]);
    }

    [Fact]
    public void MaxAndMinPropagateNaN()
    {
        var maximum = new float[1];
        var minimum = new float[1];

        Reduction.Reduce([1f, float.NaN, 3f], maximum, [3], 0b1, ReductionKind.Max);
        Reduction.Reduce([1f, float.NaN, 3f], minimum, [3], 0b1, ReductionKind.Min);

        Assert.True(float.IsNaN(maximum[0]));
        Assert.True(float.IsNaN(minimum[0]));
    }

    [Fact]
    public void NonNeighbouringAxesHandWorked()
    {
        // Shape 2×2×2 reduced over axes 0 and 2 keeps axis 1: y[j] = Σ x[i, j, k].
        float[] x = [1, 2, 3, 4, 5, 6, 7, 8];
        var y = new float[2];

        Reduction.Reduce(x, y, [2, 2, 2], reducedAxes: 0b101, ReductionKind.Sum);

        Assert.Equal([1f + 2 + 5 + 6, 3f + 4 + 7 + 8], y);
    }

    [Fact]
    public void NoReducedAxesCopies()
    {
        var y = new float[6];

        Reduction.Reduce(Matrix, y, [2, 3], reducedAxes: 0, ReductionKind.Mean);

        Assert.Equal(Matrix, y);
    }

    [Fact]
    public void EmptyReductionGivesIdentity()
    {
        var sum = new float[2];
        var product = new float[2];
        var maximum = new float[2];

        Reduction.Reduce([], sum, [2, 0], 0b10, ReductionKind.Sum);
        Reduction.Reduce([], product, [2, 0], 0b10, ReductionKind.Product);
        Reduction.Reduce([], maximum, [2, 0], 0b10, ReductionKind.Max);

        Assert.Equal([0f, 0f], sum);
        Assert.Equal([1f, 1f], product);
        Assert.Equal([float.NegativeInfinity, float.NegativeInfinity], maximum);
    }

    [Fact]
    public void RandomTensorMatchesReference()
    {
        // Shape 3×4×5 reduced over axis 1, checked against a direct triple loop.
        float[] x = CpuAssert.RandomValues(60, 71);
        var expected = new double[15];
        for (int i = 0; i < 3; i++)
        {
            for (int j = 0; j < 4; j++)
            {
                for (int k = 0; k < 5; k++)
                {
                    expected[i * 5 + k] += x[(i * 4 + j) * 5 + k] / 4.0;
                }
            }
        }

        var y = new float[15];
        Reduction.Reduce(x, y, [3, 4, 5], 0b010, ReductionKind.Mean);

        CpuAssert.Close(expected, y);
    }

    [Fact]
    public void WrongOutputLengthThrows()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            Reduction.Reduce(Matrix, new float[3], [2, 3], 0b10, ReductionKind.Sum));

        Assert.Equal("y", error.ParamName);
    }

    [Fact]
    public void MaskPastRankThrows()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            Reduction.Reduce(Matrix, new float[1], [2, 3], 0b100, ReductionKind.Sum));

        Assert.Equal("reducedAxes", error.ParamName);
    }

    [Fact]
    public void LpNormHandWorked()
    {
        // Row [3, −4]: L1 = 7, L2 = 5, L3 = (27 + 64)^(1/3).
        var l1 = new float[1];
        var l2 = new float[1];
        var l3 = new float[1];

        Reduction.LpNorm([3, -4], l1, rows: 1, columns: 2, p: 1);
        Reduction.LpNorm([3, -4], l2, rows: 1, columns: 2, p: 2);
        Reduction.LpNorm([3, -4], l3, rows: 1, columns: 2, p: 3);

        Assert.Equal(7f, l1[0]);
        Assert.Equal(5f, l2[0]);
        CpuAssert.Close([Math.Cbrt(91)], l3);
    }

    [Fact]
    public void LpNormRowsAreIndependent()
    {
        var y = new float[2];

        Reduction.LpNorm([3, 4, 0, -2], y, rows: 2, columns: 2, p: 2);

        Assert.Equal([5f, 2f], y);
    }

    [Fact]
    public void LpNormZeroOrderThrows()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() =>
            Reduction.LpNorm(new float[2], new float[1], 1, 2, p: 0));

        Assert.Equal("p", error.ParamName);
    }
}
