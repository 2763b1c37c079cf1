using Kiln.Cpu;

namespace Kiln.Runtime.Tests.Cpu;

public class DenseTests
{
    /// <summary>Sizes M, N, K: single rows (the dot-product path when B is transposed), tile tails, and a depth over 256.</summary>
    public static TheoryData<int, int, int> Sizes => new()
    {
        { 1, 10, 37 },
        { 3, 17, 5 },
        { 4, 1, 9 },
        { 7, 23, 300 },
        { 13, 8, 1 },
    };

    /// <summary>C shapes as (rows, columns) codes: 0 means no C, 1 means one, and 2 means the full M or N.</summary>
    public static TheoryData<int, int> CShapes => new()
    {
        { 0, 0 },
        { 1, 1 },
        { 1, 2 },
        { 2, 1 },
        { 2, 2 },
    };

    [Theory]
    [MemberData(nameof(Sizes))]
    public void GemmMatchesReferenceInAllLayouts(int m, int n, int k)
    {
        foreach (bool transA in new[] { false, true })
        {
            foreach (bool transB in new[] { false, true })
            {
                CheckGemm(m, n, k, transA, transB, alpha: 1f, beta: 1f, cRows: 1, cColumns: n);
            }
        }
    }

    [Theory]
    [MemberData(nameof(CShapes))]
    public void GemmBroadcastsC(int rowsCode, int columnsCode)
    {
        int m = 5;
        int n = 11;
        int cRows = rowsCode == 2 ? m : rowsCode;
        int cColumns = columnsCode == 2 ? n : columnsCode;

        CheckGemm(m, n, 6, transA: false, transB: true, alpha: 0.5f, beta: -2f, cRows, cColumns);
    }

    [Fact]
    public void GemmHandWorked()
    {
        // A·B = [1 2; 3 4]·[5 6; 7 8] = [19 22; 43 50], and Y = 2·A·B + 0.5·[1 2] per row.
        float[] a = [1, 2, 3, 4];
        float[] b = [5, 6, 7, 8];
        float[] c = [1, 2];
        var y = new float[4];

        Dense.Gemm(a, b, c, y, 2, 2, 2, transA: false, transB: false, alpha: 2f, beta: 0.5f, cRows: 1, cColumns: 2);

        Assert.Equal([38.5f, 45f, 86.5f, 101f], y);
    }

    [Fact]
    public void GemmHandWorkedTransposed()
    {
        // A stored transposed [1 3; 2 4] and B stored transposed [5 7; 6 8] give the same A·B as above.
        float[] a = [1, 3, 2, 4];
        float[] b = [5, 7, 6, 8];
        var y = new float[4];

        Dense.Gemm(a, b, [], y, 2, 2, 2, transA: true, transB: true, alpha: 1f, beta: 1f, cRows: 0, cColumns: 0);

        Assert.Equal([19f, 22f, 43f, 50f], y);
    }

    [Fact]
    public void GemmZeroBetaIgnoresNaNInC()
    {
        float[] c = [float.NaN, float.NaN];
        var y = new float[2];

        Dense.Gemm([1], [3, 4], c, y, 1, 2, 1, false, false, 1f, 0f, 1, 2);

        Assert.Equal([3f, 4f], y);
    }

    [Fact]
    public void GemmNaNInAReachesItsRow()
    {
        float[] a = [float.NaN, 1, 1, 1];
        var y = new float[4];

        Dense.Gemm(a, [0, 0, 0, 0], [], y, 2, 2, 2, false, true, 1f, 1f, 0, 0);

        Assert.True(float.IsNaN(y[0]));
        Assert.True(float.IsNaN(y[1]));
        Assert.Equal([0f, 0f], y[2..]);
    }

    [Fact]
    public void GemmRejectsUnbroadcastableC()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            Dense.Gemm(new float[6], new float[6], new float[2], new float[4], 2, 2, 3, false, false, 1f, 1f, 1, 3));

        Assert.Equal("c", error.ParamName);
    }

    [Fact]
    public void GemmShortBThrows()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            Dense.Gemm(new float[6], new float[5], [], new float[4], 2, 2, 3, false, false, 1f, 1f, 0, 0));

        Assert.Equal("b", error.ParamName);
        Assert.Contains("expected 6 floats", error.Message);
        Assert.Contains("got 5", error.Message);
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void MatMulMatchesReference(int m, int n, int k)
    {
        float[] a = CpuAssert.RandomValues(m * k, 21);
        float[] b = CpuAssert.RandomValues(k * n, 22);
        var y = new float[m * n];

        Dense.MatMul(a, b, y, m, k, n);

        CpuAssert.Close(Reference(a, b, [], m, n, k, false, false, 1f, 0f, 0, 0), y);
    }

    [Fact]
    public void MatMulHandWorked()
    {
        var y = new float[2];

        Dense.MatMul([1, 2, 3], [1, 0, 0, 1, 2, 2], y, 1, 3, 2);

        Assert.Equal([7f, 8f], y);
    }

    [Fact]
    public void MatMulShortOutputThrows()
    {
        var error = Assert.Throws<ArgumentException>(() => Dense.MatMul(new float[2], new float[2], new float[0], 1, 2, 1));

        Assert.Equal("y", error.ParamName);
    }

    private static void CheckGemm(int m, int n, int k, bool transA, bool transB, float alpha, float beta, int cRows, int cColumns)
    {
        float[] a = CpuAssert.RandomValues(m * k, 31);
        float[] b = CpuAssert.RandomValues(k * n, 32);
        float[] c = CpuAssert.RandomValues(cRows * cColumns, 33);
        var y = new float[m * n];

        Dense.Gemm(a, b, c, y, m, n, k, transA, transB, alpha, beta, cRows, cColumns);

        CpuAssert.Close(Reference(a, b, c, m, n, k, transA, transB, alpha, beta, cRows, cColumns), y);
    }

    private static double[] Reference(
        float[] a, float[] b, float[] c, int m, int n, int k, bool transA, bool transB, float alpha, float beta, int cRows, int cColumns)
    {
        var y = new double[m * n];
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = 0;
                for (int p = 0; p < k; p++)
                {
                    float left = transA ? a[p * m + i] : a[i * k + p];
                    float right = transB ? b[j * k + p] : b[p * n + j];
                    sum += (double)left * right;
                }

                double addend = c.Length == 0 ? 0 : beta * (double)c[(cRows == 1 ? 0 : i) * cColumns + (cColumns == 1 ? 0 : j)];
                y[i * n + j] = alpha * sum + addend;
            }
        }

        return y;
    }
}
