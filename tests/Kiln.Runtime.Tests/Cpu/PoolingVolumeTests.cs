using Kiln.Cpu;

namespace Kiln.Runtime.Tests.Cpu;

public class PoolingVolumeTests
{
    /// <summary>
    /// Arguments: Batch, Channels, InDepth, InHeight, InWidth, OutDepth, OutHeight, OutWidth, KernelDepth, KernelHeight,
    /// KernelWidth, StrideDepth, StrideHeight, StrideWidth, DilationDepth, DilationHeight, DilationWidth,
    /// PadFront, PadTop, PadLeft, PadBack, PadBottom, PadRight.
    /// </summary>
    private static readonly Dictionary<string, Pool3DGeometry> Geometries = new()
    {
        ["2x2x2 stride 1"] = new(1, 2, 4, 5, 6, 3, 4, 5, 2, 2, 2, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0),
        ["3x3x3 stride 2 pad 1"] = new(2, 1, 5, 5, 5, 3, 3, 3, 3, 3, 3, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1),
        ["ceil mode clipped"] = new(1, 2, 7, 5, 7, 3, 2, 3, 2, 2, 2, 3, 3, 3, 1, 1, 1, 0, 0, 0, 0, 0, 0),
        ["dilation and asymmetric pad"] = new(1, 3, 6, 7, 5, 5, 4, 3, 2, 3, 2, 1, 2, 2, 2, 1, 2, 0, 1, 0, 1, 1, 1),
        ["depth 1 like 2-D"] = new(2, 2, 1, 6, 5, 1, 4, 3, 1, 3, 3, 1, 2, 2, 1, 1, 1, 0, 1, 1, 0, 1, 1),
    };

    public static TheoryData<string> Names() => new(Geometries.Keys);

    [Theory]
    [MemberData(nameof(Names))]
    public void MaxPoolMatchesReference(string geometryName)
    {
        Pool3DGeometry g = Geometries[geometryName];
        float[] x = CpuAssert.RandomValues(g.Batch * g.Channels * g.InDepth * g.InHeight * g.InWidth, 51);
        var y = new float[OutputLength(g)];

        Pooling.MaxPool3D(x, y, g);

        CpuAssert.Close(Reference(x, g, average: false, countIncludePad: false), y);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void AveragePoolMatchesReference(string geometryName)
    {
        Pool3DGeometry g = Geometries[geometryName];
        float[] x = CpuAssert.RandomValues(g.Batch * g.Channels * g.InDepth * g.InHeight * g.InWidth, 52);
        var excluding = new float[OutputLength(g)];
        var including = new float[excluding.Length];

        Pooling.AveragePool3D(x, excluding, g, countIncludePad: false);
        Pooling.AveragePool3D(x, including, g, countIncludePad: true);

        CpuAssert.Close(Reference(x, g, average: true, countIncludePad: false), excluding);
        CpuAssert.Close(Reference(x, g, average: true, countIncludePad: true), including);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void IndicesPointAtMaxima(string geometryName)
    {
        Pool3DGeometry g = Geometries[geometryName];
        float[] x = CpuAssert.RandomValues(g.Batch * g.Channels * g.InDepth * g.InHeight * g.InWidth, 53);
        var y = new float[OutputLength(g)];
        var indices = new float[y.Length];

        Pooling.MaxPool3DWithIndices(x, y, indices, g, columnMajor: false);

        CpuAssert.Close(Reference(x, g, average: false, countIncludePad: false), y);
        for (int i = 0; i < y.Length; i++)
        {
            Assert.Equal(y[i], x[(int)indices[i]]);
        }
    }

    [Fact]
    public void DepthOneMatchesPool2D()
    {
        Pool3DGeometry g = Geometries["depth 1 like 2-D"];
        var plane = new Pool2DGeometry(g.Batch, g.Channels, g.InHeight, g.InWidth, g.OutHeight, g.OutWidth, g.KernelHeight, g.KernelWidth,
            g.StrideHeight, g.StrideWidth, g.DilationHeight, g.DilationWidth, g.PadTop, g.PadLeft, g.PadBottom, g.PadRight);
        float[] x = CpuAssert.RandomValues(g.Batch * g.Channels * g.InHeight * g.InWidth, 54);
        var volume = new float[OutputLength(g)];
        var flat = new float[volume.Length];

        Pooling.MaxPool3D(x, volume, g);
        Pooling.MaxPool2D(x, flat, plane);

        Assert.Equal(flat, volume);
    }

    [Fact]
    public void MaxPoolHandWorked()
    {
        // A 2×2×2 window over the 2×2×3 values 1..12 at stride 1 gives the maximum of each window's last corner.
        var g = new Pool3DGeometry(1, 1, 2, 2, 3, 1, 1, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0);
        var y = new float[2];

        Pooling.MaxPool3D([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], y, g);

        Assert.Equal([11f, 12f], y);
    }

    [Fact]
    public void AveragePoolHandWorkedDepthPadding()
    {
        // Windows of 2 planes over the depth values [2, 4] with one padding plane at each end contain {pad, 2}, {2, 4}
        // and {4, pad}. The averages are [2, 3, 4] without the padding and [1, 3, 2] with it.
        var g = new Pool3DGeometry(1, 1, 2, 1, 1, 3, 1, 1, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 0, 0);
        var excluding = new float[3];
        var including = new float[3];

        Pooling.AveragePool3D([2, 4], excluding, g, countIncludePad: false);
        Pooling.AveragePool3D([2, 4], including, g, countIncludePad: true);

        Assert.Equal([2f, 3f, 4f], excluding);
        Assert.Equal([1f, 3f, 2f], including);
    }

    [Fact]
    public void IndicesHandWorkedBothStorageOrders()
    {
        // Two channels of 2×2×2. Channel 0 has its maximum 9 at (d, h, w) = (0, 0, 1), channel 1 its maximum 8 at (1, 0, 0).
        // Row-major positions are (d·2 + h)·2 + w: 1 and 4; column-major ones are d + (h + w·2)·2: 4 and 1.
        // The plane offset adds 8 for channel 1 in both orders.
        var g = new Pool3DGeometry(1, 2, 2, 2, 2, 1, 1, 1, 2, 2, 2, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0);
        float[] x = [1, 9, 2, 3, 4, 5, 6, 7, 1, 1, 1, 1, 8, 1, 1, 1];
        var y = new float[2];
        var rowMajor = new float[2];
        var columnMajor = new float[2];

        Pooling.MaxPool3DWithIndices(x, y, rowMajor, g, columnMajor: false);
        Pooling.MaxPool3DWithIndices(x, y, columnMajor, g, columnMajor: true);

        Assert.Equal([9f, 8f], y);
        Assert.Equal([1f, 12f], rowMajor);
        Assert.Equal([4f, 9f], columnMajor);
    }

    [Fact]
    public void IndicesOfTwoDimensionalPadding()
    {
        // A 3×3 window with padding 1 runs over the 3×3 values 1..9 as depth 1. The corner windows' maxima are 5, 6, 8
        // and 9, at row-major positions 4, 5, 7, 8 and at column-major positions h + w·3 = 4, 7, 5, 8.
        var g = new Pool3DGeometry(1, 1, 1, 3, 3, 1, 2, 2, 1, 3, 3, 1, 2, 2, 1, 1, 1, 0, 1, 1, 0, 1, 1);
        float[] x = [1, 2, 3, 4, 5, 6, 7, 8, 9];
        var y = new float[4];
        var rowMajor = new float[4];
        var columnMajor = new float[4];

        Pooling.MaxPool3DWithIndices(x, y, rowMajor, g, columnMajor: false);
        Pooling.MaxPool3DWithIndices(x, y, columnMajor, g, columnMajor: true);

        Assert.Equal([5f, 6f, 8f, 9f], y);
        Assert.Equal([4f, 5f, 7f, 8f], rowMajor);
        Assert.Equal([4f, 7f, 5f, 8f], columnMajor);
    }

    [Fact]
    public void TiesAndNaNPickFirstPosition()
    {
        // Window 0 contains [3, 3], and the first 3 wins. Window 1 contains [NaN, 7], so the NaN wins and the maximum is NaN.
        var g = new Pool3DGeometry(1, 1, 1, 1, 4, 1, 1, 2, 1, 1, 2, 1, 1, 2, 1, 1, 1, 0, 0, 0, 0, 0, 0);
        var y = new float[2];
        var indices = new float[2];

        Pooling.MaxPool3DWithIndices([3, 3, float.NaN, 7], y, indices, g, columnMajor: false);

        Assert.Equal(3f, y[0]);
        Assert.True(float.IsNaN(y[1]));
        Assert.Equal([0f, 2f], indices);
    }

    [Fact]
    public void ShortIndicesThrow()
    {
        var g = new Pool3DGeometry(1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0);

        var error = Assert.Throws<ArgumentException>(() => Pooling.MaxPool3DWithIndices(new float[8], new float[1], [], g, columnMajor: false));

        Assert.Equal("indices", error.ParamName);
    }

    [Fact]
    public void ShortInputThrows()
    {
        var g = new Pool3DGeometry(1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0);

        var error = Assert.Throws<ArgumentException>(() => Pooling.AveragePool3D(new float[7], new float[1], g, countIncludePad: false));

        Assert.Equal("x", error.ParamName);
    }

    private static int OutputLength(Pool3DGeometry g) => g.Batch * g.Channels * g.OutDepth * g.OutHeight * g.OutWidth;

    /// <summary>Visits every tap of every window and keeps those inside the input, or inside the padded input for the divisor.</summary>
    private static double[] Reference(float[] x, Pool3DGeometry g, bool average, bool countIncludePad)
    {
        var y = new double[OutputLength(g)];
        int output = 0;
        for (int plane = 0; plane < g.Batch * g.Channels; plane++)
        {
            for (int od = 0; od < g.OutDepth; od++)
            {
                for (int oh = 0; oh < g.OutHeight; oh++)
                {
                    for (int ow = 0; ow < g.OutWidth; ow++, output++)
                    {
                        double maximum = double.NegativeInfinity;
                        double sum = 0;
                        int inside = 0;
                        int padded = 0;
                        for (int kd = 0; kd < g.KernelDepth; kd++)
                        {
                            for (int kh = 0; kh < g.KernelHeight; kh++)
                            {
                                for (int kw = 0; kw < g.KernelWidth; kw++)
                                {
                                    int d = od * g.StrideDepth - g.PadFront + kd * g.DilationDepth;
                                    int h = oh * g.StrideHeight - g.PadTop + kh * g.DilationHeight;
                                    int w = ow * g.StrideWidth - g.PadLeft + kw * g.DilationWidth;
                                    if (d < g.InDepth + g.PadBack && h < g.InHeight + g.PadBottom && w < g.InWidth + g.PadRight)
                                    {
                                        padded++;
                                    }

                                    if (d < 0 || h < 0 || w < 0 || d >= g.InDepth || h >= g.InHeight || w >= g.InWidth)
                                    {
                                        continue;
                                    }

                                    float value = x[((plane * g.InDepth + d) * g.InHeight + h) * g.InWidth + w];
                                    maximum = Math.Max(maximum, value);
                                    sum += value;
                                    inside++;
                                }
                            }
                        }

                        y[output] = !average ? maximum : sum / (countIncludePad ? padded : inside);
                    }
                }
            }
        }

        return y;
    }
}
