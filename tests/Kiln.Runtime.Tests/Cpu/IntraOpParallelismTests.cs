using Kiln.Cpu;

namespace Kiln.Runtime.Tests.Cpu;

/// <summary>
/// Kernels split across threads (matrix products, convolutions, element-wise operations, batch normalization) must
/// give the same bits as on one thread, whatever the number of parts and the split dimension.
/// </summary>
public class IntraOpParallelismTests
{
    /// <summary>
    /// Odd sizes that split along rows (more 6-row tiles than 16-column strips) or along columns, with tails in both,
    /// depths over one 256 block, and fewer tiles than threads.
    /// </summary>
    public static TheoryData<int, int, int> Sizes => new()
    {
        { 13, 517, 300 },
        { 251, 37, 513 },
        { 7, 9, 5 },
        { 61, 61, 61 },
        { 1, 333, 17 },
    };

    [Theory]
    [MemberData(nameof(Sizes))]
    public void ParallelProductMatchesSerialBits(int m, int n, int k)
    {
        foreach (int degree in new[] { 2, 3, 5 })
        {
            foreach (bool transA in new[] { false, true })
            {
                foreach (bool transB in new[] { false, true })
                {
                    foreach (int packLength in new[] { 0, MatrixMultiply.PackBufferLength(n, k) })
                    {
                        CheckSameBits(m, n, k, transA, transB, packLength, withBias: true, accumulate: false, degree);
                        CheckSameBits(m, n, k, transA, transB, packLength, withBias: false, accumulate: true, degree);
                    }
                }
            }
        }
    }

    [Fact]
    public void RepeatedParallelProductsMatchSerial()
    {
        // Many short products in a row reuse the same helpers, some of which the caller may cancel before the pool starts them.
        for (int repeat = 0; repeat < 200; repeat++)
        {
            CheckSameBits(19, 23, 11, transA: false, transB: false, packLength: 0, withBias: true, accumulate: false, degree: 4);
        }
    }

    [Fact]
    public void ConvolutionInScopeMatchesSerialBits()
    {
        // 19 filters of 11×3×3 over 37×41 with padding 1 and stride 1: a product of 19×99×1517, over the split threshold.
        var g = new Conv2DGeometry(2, 11, 37, 41, 19, 37, 41, 3, 3, 1, 1, 1, 1, 1, 1, 1);
        Assert.True((long)g.OutChannels * g.GroupDepth * g.OutHeight * g.OutWidth >= MatrixMultiply.MinParallelWork);
        float[] x = CpuAssert.RandomValues(g.Batch * g.InChannels * g.InHeight * g.InWidth, 1);
        float[] weights = CpuAssert.RandomValues(g.OutChannels * g.GroupDepth, 2);
        float[] bias = CpuAssert.RandomValues(g.OutChannels, 3);
        var serial = new float[g.Batch * g.OutChannels * g.OutHeight * g.OutWidth];
        var parallel = new float[serial.Length];

        Convolution.Conv2D(x, weights, bias, serial, new float[Convolution.WorkspaceLength(g)], g);
        using (IntraOpParallelism.Enter(3))
        {
            Convolution.Conv2D(x, weights, bias, parallel, new float[Convolution.WorkspaceLength(g)], g);
        }

        AssertSameBits(serial, parallel);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    public void ParallelUnfoldMatchesSerial(int parts)
    {
        // 7 channels, stride 2, dilation 2 and uneven padding: parts of 1 to 4 channels and every padding branch.
        var g = new Conv2DGeometry(1, 7, 23, 29, 5, 11, 14, 3, 5, 2, 2, 2, 2, 1, 3, 1);
        float[] image = CpuAssert.RandomValues(g.InChannels * g.InHeight * g.InWidth, 5);
        float[] serial = CpuAssert.RandomValues(g.GroupDepth * g.OutSpatial, 6);
        float[] parallel = CpuAssert.RandomValues(serial.Length, 7);

        ImageToColumns.Unfold(image, serial, g);
        ImageToColumns.UnfoldInParallel(image, parallel, g, parts);

        AssertSameBits(serial, parallel);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    public void ParallelElementwiseMatchesSerial(int parts)
    {
        // 1003 floats: a tail after the last Vector256 block, and parts of unequal block counts.
        float[] a = CpuAssert.RandomValues(1003, 8);
        float[] b = CpuAssert.RandomValues(1003, 9);
        var serial = new float[a.Length];
        var parallel = new float[a.Length];

        Elementwise.Unary<SigmoidOperator>(a, serial);
        Elementwise.UnaryInParallel<SigmoidOperator>(a, parallel, parts);
        AssertSameBits(serial, parallel);

        Elementwise.Binary<AddOperator>(a, b, serial);
        Elementwise.BinaryInParallel<AddOperator>(a, b, parallel, parts);
        AssertSameBits(serial, parallel);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    public void ParallelBatchNormalizationMatchesSerial(int parts)
    {
        // 2 images of 5 channels: parts that start inside an image.
        const int batch = 2, channels = 5, spatial = 37;
        float[] x = CpuAssert.RandomValues(batch * channels * spatial, 10);
        float[] scale = CpuAssert.RandomValues(channels, 11);
        float[] bias = CpuAssert.RandomValues(channels, 12);
        float[] mean = CpuAssert.RandomValues(channels, 13);
        float[] variance = Array.ConvertAll(CpuAssert.RandomValues(channels, 14), v => v + 1.5f);
        var serial = new float[x.Length];
        var parallel = new float[x.Length];

        Normalization.BatchNormalization(x, scale, bias, mean, variance, serial, batch, channels, spatial, 1e-5f);
        Normalization.BatchNormalizationInParallel(x, scale, bias, mean, variance, parallel, batch, channels, spatial, 1e-5f, parts);

        AssertSameBits(serial, parallel);
    }

    [Fact]
    public void ScopeRestoresPreviousDegree()
    {
        Assert.Equal(1, IntraOpParallelism.CurrentDegree);
        using (IntraOpParallelism.Enter(4))
        {
            Assert.Equal(4, IntraOpParallelism.CurrentDegree);
            using (IntraOpParallelism.Enter(1))
            {
                Assert.Equal(1, IntraOpParallelism.CurrentDegree);
            }

            Assert.Equal(4, IntraOpParallelism.CurrentDegree);
        }

        Assert.Equal(1, IntraOpParallelism.CurrentDegree);
    }

    [Fact]
    public void DegreePerObservationSharesThreads()
    {
        int cores = Environment.ProcessorCount;

        Assert.Equal(1, IntraOpParallelism.DegreePerObservation(maxDegreeOfParallelism: 1, concurrentObservations: 1));
        Assert.Equal(Math.Min(2, cores), IntraOpParallelism.DegreePerObservation(maxDegreeOfParallelism: 2, concurrentObservations: 1));
        Assert.Equal(cores, IntraOpParallelism.DegreePerObservation(maxDegreeOfParallelism: 4 * cores, concurrentObservations: 1));
        Assert.Equal(1, IntraOpParallelism.DegreePerObservation(maxDegreeOfParallelism: cores, concurrentObservations: cores));
        Assert.Equal(1, IntraOpParallelism.DegreePerObservation(maxDegreeOfParallelism: cores, concurrentObservations: cores + 1));
    }

    private static void CheckSameBits(
        int m, int n, int k, bool transA, bool transB, int packLength, bool withBias, bool accumulate, int degree)
    {
        float[] a = CpuAssert.RandomValues(m * k, 1);
        float[] b = CpuAssert.RandomValues(k * n, 2);
        float[] bias = withBias ? CpuAssert.RandomValues(m, 3) : [];
        int ldc = n + 3;
        float[] serial = CpuAssert.RandomValues(m * ldc, 4);
        float[] parallel = (float[])serial.Clone();
        int aRowStride = transA ? 1 : k;
        int aColumnStride = transA ? m : 1;
        int bRowStride = transB ? 1 : n;
        int bColumnStride = transB ? k : 1;

        MatrixMultiply.Multiply(
            a, aRowStride, aColumnStride, b, bRowStride, bColumnStride, serial, ldc, m, n, k,
            bias, accumulate, new float[packLength]);
        MatrixMultiply.MultiplyInParallel(
            a, aRowStride, aColumnStride, b, bRowStride, bColumnStride, parallel, ldc, m, n, k,
            bias, accumulate, new float[packLength], degree);

        AssertSameBits(serial, parallel);
    }

    private static void AssertSameBits(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        int[] expectedBits = Array.ConvertAll(expected, BitConverter.SingleToInt32Bits);
        int[] actualBits = Array.ConvertAll(actual, BitConverter.SingleToInt32Bits);
        Assert.Equal(expectedBits, actualBits);
    }
}
