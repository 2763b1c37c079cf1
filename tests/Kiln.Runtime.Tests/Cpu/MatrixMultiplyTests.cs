using Kiln.Cpu;

namespace Kiln.Runtime.Tests.Cpu;

public class MatrixMultiplyTests
{
    /// <summary>
    /// Sizes chosen to reach every tail: rows not a multiple of the 6-row tile or of the 120-row block, columns not
    /// a multiple of the 16-column strip (including exactly 8), depths over one 256 block, and column blocks over 256.
    /// </summary>
    public static TheoryData<int, int, int> Sizes => new()
    {
        { 1, 1, 1 },
        { 5, 17, 3 },
        { 6, 16, 16 },
        { 13, 8, 5 },
        { 7, 33, 300 },
        { 4, 300, 10 },
        { 130, 40, 20 },
        { 9, 270, 7 },
        { 2, 9, 513 },
    };

    [Vector256Theory]
    [MemberData(nameof(Sizes))]
    public void Vector256KernelsMatchReference(int m, int n, int k) =>
        CheckAllLayouts<MatrixMultiply.Vector256Kernels>(m, n, k);

    [Theory]
    [MemberData(nameof(Sizes))]
    public void PortableKernelsMatchReference(int m, int n, int k) =>
        CheckAllLayouts<MatrixMultiply.PortableKernels>(m, n, k);

    [Fact]
    public void HandWorkedProductWithBias()
    {
        float[] a = [1, 2, 3, 4, 5, 6];
        float[] b = [1, 0, 2, 0, 1, 1, 1, 1, 0];
        float[] bias = [10, 20];
        var c = new float[6];

        MatrixMultiply.Multiply(a, 3, 1, b, 3, 1, c, 3, 2, 3, 3, bias, accumulate: false, packBuffer: default);

        // Row 0: [1 2 3]·B = [1+0+3, 0+2+3, 2+2+0] = [4, 5, 4]. Row 1: [4+0+6, 0+5+6, 8+5+0] = [10, 11, 13].
        Assert.Equal([14f, 15f, 14f, 30f, 31f, 33f], c);
    }

    [Fact]
    public void ZeroDepthWritesBias()
    {
        float[] bias = [1, 2];
        var c = new float[4];

        MatrixMultiply.Multiply(default, 0, 1, default, 2, 1, c, 2, 2, 2, 0, bias, accumulate: false, packBuffer: default);

        Assert.Equal([1f, 1f, 2f, 2f], c);
    }

    [Fact]
    public void ShortOperandThrows()
    {
        var c = new float[4];

        var error = Assert.Throws<ArgumentException>(() =>
            MatrixMultiply.Multiply(new float[3], 2, 1, new float[4], 2, 1, c, 2, 2, 2, 2, default, false, default));

        Assert.Equal("a", error.ParamName);
    }

    private static void CheckAllLayouts<TKernels>(int m, int n, int k)
        where TKernels : MatrixMultiply.IMicroKernels
    {
        foreach (bool transA in new[] { false, true })
        {
            foreach (bool transB in new[] { false, true })
            {
                foreach (int packLength in new[] { 0, 40, MatrixMultiply.PackBufferLength(n, k) })
                {
                    CheckProduct<TKernels>(m, n, k, transA, transB, packLength, withBias: true, accumulate: false);
                    CheckProduct<TKernels>(m, n, k, transA, transB, packLength, withBias: false, accumulate: true);
                }
            }
        }
    }

    /// <summary>Compares one product with a double-precision reference. C has a row stride wider than n to catch stray writes.</summary>
    private static void CheckProduct<TKernels>(int m, int n, int k, bool transA, bool transB, int packLength, bool withBias, bool accumulate)
        where TKernels : MatrixMultiply.IMicroKernels
    {
        float[] a = CpuAssert.RandomValues(m * k, 1);
        float[] b = CpuAssert.RandomValues(k * n, 2);
        float[] bias = withBias ? CpuAssert.RandomValues(m, 3) : [];
        int ldc = n + 3;
        float[] c = CpuAssert.RandomValues(m * ldc, 4);
        int aRowStride = transA ? 1 : k;
        int aColumnStride = transA ? m : 1;
        int bRowStride = transB ? 1 : n;
        int bColumnStride = transB ? k : 1;

        var expected = new double[c.Length];
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < ldc; j++)
            {
                if (j >= n)
                {
                    expected[i * ldc + j] = c[i * ldc + j];
                    continue;
                }

                double sum = 0.0;
                if (accumulate)
                {
                    sum = c[i * ldc + j];
                }
                else if (withBias)
                {
                    sum = bias[i];
                }

                for (int p = 0; p < k; p++)
                {
                    sum += (double)a[i * aRowStride + p * aColumnStride] * b[p * bRowStride + j * bColumnStride];
                }

                expected[i * ldc + j] = sum;
            }
        }

        MatrixMultiply.Multiply<TKernels>(
            a, aRowStride, aColumnStride, b, bRowStride, bColumnStride, c, ldc, m, n, k,
            bias, accumulate, new float[packLength]);

        CpuAssert.Close(expected, c);
    }
}

/// <summary>A theory that is skipped on machines where the AVX2/FMA micro-kernels cannot run.</summary>
public sealed class Vector256TheoryAttribute : TheoryAttribute
{
    public Vector256TheoryAttribute()
    {
        if (!MatrixMultiply.UsesVector256)
        {
            Skip = "This machine lacks AVX2 or FMA.";
        }
    }
}
