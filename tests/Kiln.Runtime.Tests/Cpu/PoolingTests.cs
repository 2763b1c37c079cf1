using Kiln.Cpu;

namespace Kiln.Runtime.Tests.Cpu;

public class PoolingTests
{
    /// <summary>
    /// Arguments: Batch, Channels, InHeight, InWidth, OutHeight, OutWidth, KernelHeight, KernelWidth,
    /// StrideHeight, StrideWidth, DilationHeight, DilationWidth, PadTop, PadLeft, PadBottom, PadRight.
    /// </summary>
    private static readonly Dictionary<string, Pool2DGeometry> Geometries = new()
    {
        ["3x3 stride 2 pad 1"] = new(1, 2, 9, 9, 5, 5, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1),
        ["ceil mode clipped"] = new(1, 2, 7, 7, 3, 3, 2, 2, 3, 3, 1, 1, 0, 0, 0, 0),
        ["ceil mode with pad"] = new(2, 1, 6, 5, 4, 3, 3, 3, 2, 2, 1, 1, 1, 1, 1, 0),
        ["dilation"] = new(2, 3, 10, 11, 9, 5, 3, 2, 1, 2, 2, 3, 1, 0, 2, 1),
        ["asymmetric pad"] = new(1, 1, 5, 6, 3, 3, 3, 3, 2, 2, 1, 1, 0, 1, 2, 0),
        ["wide rows stride 2"] = new(1, 2, 5, 40, 2, 20, 3, 3, 2, 2, 1, 1, 1, 1, 0, 0),
        ["wide rows stride 1 dilated"] = new(1, 1, 4, 37, 2, 33, 3, 3, 1, 1, 1, 2, 0, 0, 0, 0),
        ["whole plane"] = new(1, 2, 4, 4, 1, 1, 4, 4, 1, 1, 1, 1, 0, 0, 0, 0),
    };

    public static TheoryData<string> Names() => new(Geometries.Keys);

    [Theory]
    [MemberData(nameof(Names))]
    public void MaxPoolMatchesReference(string geometryName)
    {
        Pool2DGeometry g = Geometries[geometryName];
        float[] x = CpuAssert.RandomValues(g.Batch * g.Channels * g.InHeight * g.InWidth, 41);
        var y = new float[g.Batch * g.Channels * g.OutHeight * g.OutWidth];

        Pooling.MaxPool2D(x, y, g);

        CpuAssert.Close(Reference(x, g, average: false, countIncludePad: false), y);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void AveragePoolMatchesReference(string geometryName)
    {
        Pool2DGeometry g = Geometries[geometryName];
        float[] x = CpuAssert.RandomValues(g.Batch * g.Channels * g.InHeight * g.InWidth, 42);
        var excluding = new float[g.Batch * g.Channels * g.OutHeight * g.OutWidth];
        var including = new float[excluding.Length];

        Pooling.AveragePool2D(x, excluding, g, countIncludePad: false);
        Pooling.AveragePool2D(x, including, g, countIncludePad: true);

        CpuAssert.Close(Reference(x, g, average: true, countIncludePad: false), excluding);
        CpuAssert.Close(Reference(x, g, average: true, countIncludePad: true), including);
    }

    [Fact]
    public void MaxPoolHandWorked()
    {
        var g = new Pool2DGeometry(1, 1, 3, 3, 2, 2, 2, 2, 1, 1, 1, 1, 0, 0, 0, 0);
        var y = new float[4];

        Pooling.MaxPool2D([1, 2, 3, 4, 5, 6, 7, 8, 9], y, g);

        Assert.Equal([5f, 6f, 8f, 9f], y);
    }

    [Fact]
    public void AveragePoolHandWorked()
    {
        var g = new Pool2DGeometry(1, 1, 3, 3, 2, 2, 2, 2, 1, 1, 1, 1, 0, 0, 0, 0);
        var y = new float[4];

        Pooling.AveragePool2D([1, 2, 3, 4, 5, 6, 7, 8, 9], y, g, countIncludePad: false);

        Assert.Equal([3f, 4f, 6f, 7f], y);
    }

    [Fact]
    public void AveragePoolHandWorkedPadding()
    {
        // Pad 1 on every side, 2×2 windows, stride 2 over 1..9: the windows hold {1}, {2, 3}, {4, 7} and {5, 6, 8, 9}.
        var g = new Pool2DGeometry(1, 1, 3, 3, 2, 2, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1);
        float[] x = [1, 2, 3, 4, 5, 6, 7, 8, 9];
        var excluding = new float[4];
        var including = new float[4];

        Pooling.AveragePool2D(x, excluding, g, countIncludePad: false);
        Pooling.AveragePool2D(x, including, g, countIncludePad: true);

        Assert.Equal([1f, 2.5f, 5.5f, 7f], excluding);
        Assert.Equal([0.25f, 1.25f, 2.75f, 7f], including);
    }

    [Fact]
    public void CeilModeWindowIsClipped()
    {
        // Width 3, 1×2 windows with stride 2 and no padding: the second window covers column 2 and one column past the input.
        var g = new Pool2DGeometry(1, 1, 1, 3, 1, 2, 1, 2, 1, 2, 1, 1, 0, 0, 0, 0);
        float[] x = [1, 2, 3];
        var maxima = new float[2];
        var averages = new float[2];

        Pooling.MaxPool2D(x, maxima, g);
        Pooling.AveragePool2D(x, averages, g, countIncludePad: true);

        Assert.Equal([2f, 3f], maxima);
        Assert.Equal([1.5f, 3f], averages);
    }

    [Fact]
    public void MaxPoolNaNStaysInItsWindow()
    {
        var g = new Pool2DGeometry(1, 1, 2, 4, 1, 2, 2, 2, 2, 2, 1, 1, 0, 0, 0, 0);
        var y = new float[2];

        Pooling.MaxPool2D([1, float.NaN, 3, 4, 5, 6, 7, 8], y, g);

        Assert.True(float.IsNaN(y[0]));
        Assert.Equal(8f, y[1]);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void MaxPoolNaNStaysInItsWindowOnWideRows(int stride)
    {
        // Rows of 40 take the vector path for the first 16 outputs and the scalar one after. With stride 2 each NaN
        // is the first tap of its window, so the taps after it must keep it.
        int outWidth = (40 - 2) / stride + 1;
        var g = new Pool2DGeometry(1, 1, 2, 40, 1, outWidth, 2, 2, 1, stride, 1, 1, 0, 0, 0, 0);
        float[] x = CpuAssert.RandomValues(80, 45);
        x[2 * stride] = float.NaN;
        x[18 * stride] = float.NaN;
        var y = new float[outWidth];

        Pooling.MaxPool2D(x, y, g);

        for (int ow = 0; ow < outWidth; ow++)
        {
            bool coversNaN = ow * stride <= 2 * stride && 2 * stride <= ow * stride + 1
                || ow * stride <= 18 * stride && 18 * stride <= ow * stride + 1;
            Assert.Equal(coversNaN, float.IsNaN(y[ow]));
        }
    }

    [Fact]
    public void MaxPoolWindowInPaddingIsNegativeInfinity()
    {
        var g = new Pool2DGeometry(1, 1, 1, 1, 1, 2, 1, 1, 1, 1, 1, 1, 0, 1, 0, 0);
        var y = new float[2];

        Pooling.MaxPool2D([5], y, g);

        Assert.Equal([float.NegativeInfinity, 5f], y);
    }

    [Fact]
    public void AveragePoolWindowInPadding()
    {
        // Pad left 1 with 1×1 windows: the first window covers only padding.
        var g = new Pool2DGeometry(1, 1, 1, 1, 1, 2, 1, 1, 1, 1, 1, 1, 0, 1, 0, 0);
        var excluding = new float[2];
        var including = new float[2];

        Pooling.AveragePool2D([5], excluding, g, countIncludePad: false);
        Pooling.AveragePool2D([5], including, g, countIncludePad: true);

        Assert.True(float.IsNaN(excluding[0]));
        Assert.Equal([0f, 5f], including);
    }

    [Fact]
    public void MaxPoolShortOutputThrows()
    {
        var g = new Pool2DGeometry(1, 1, 3, 3, 2, 2, 2, 2, 1, 1, 1, 1, 0, 0, 0, 0);

        var error = Assert.Throws<ArgumentException>(() => Pooling.MaxPool2D(new float[9], new float[3], g));

        Assert.Equal("y", error.ParamName);
        Assert.Contains("expected 4 floats", error.Message);
    }

    [Fact]
    public void NegativePadThrows()
    {
        var g = new Pool2DGeometry(1, 1, 3, 3, 2, 2, 2, 2, 1, 1, 1, 1, 0, 0, -1, 0);

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Pooling.AveragePool2D(new float[9], new float[4], g, false));

        Assert.Equal("geometry", error.ParamName);
        Assert.Contains("PadBottom", error.Message);
    }

    [Fact]
    public void GlobalPoolsHandWorked()
    {
        float[] x = [1, 2, 3, 4, -1, -2, -3, -6];
        var averages = new float[2];
        var maxima = new float[2];

        Pooling.GlobalAveragePool(x, averages, 2, 4);
        Pooling.GlobalMaxPool(x, maxima, 2, 4);

        Assert.Equal([2.5f, -3f], averages);
        Assert.Equal([4f, -1f], maxima);
    }

    [Fact]
    public void GlobalPoolsMatchReference()
    {
        const int planes = 3;
        const int spatial = 49;
        float[] x = CpuAssert.RandomValues(planes * spatial, 43);
        var expectedAverages = new double[planes];
        var expectedMaxima = new double[planes];
        for (int plane = 0; plane < planes; plane++)
        {
            ArraySegment<float> values = new(x, plane * spatial, spatial);
            expectedAverages[plane] = values.Average(value => (double)value);
            expectedMaxima[plane] = values.Max();
        }

        var averages = new float[planes];
        var maxima = new float[planes];
        Pooling.GlobalAveragePool(x, averages, planes, spatial);
        Pooling.GlobalMaxPool(x, maxima, planes, spatial);

        CpuAssert.Close(expectedAverages, averages);
        CpuAssert.Close(expectedMaxima, maxima);
    }

    [Fact]
    public void GlobalMaxPoolPropagatesNaN()
    {
        float[] x = CpuAssert.RandomValues(40, 44);
        x[3] = float.NaN;
        x[37] = float.NaN;
        var y = new float[2];

        Pooling.GlobalMaxPool(x, y, 2, 20);

        Assert.True(float.IsNaN(y[0]));
        Assert.True(float.IsNaN(y[1]));
    }

    [Fact]
    public void GlobalAveragePoolShortInputThrows()
    {
        var error = Assert.Throws<ArgumentException>(() => Pooling.GlobalAveragePool(new float[7], new float[2], 2, 4));

        Assert.Equal("x", error.ParamName);
    }

    /// <summary>
    /// Pools by visiting every tap of every window: taps on the input are read, taps in the padding
    /// (inside −Pad to size+Pad) only count toward the divisor when countIncludePad is true, and taps past that are ignored.
    /// </summary>
    private static double[] Reference(float[] x, Pool2DGeometry g, bool average, bool countIncludePad)
    {
        var y = new double[g.Batch * g.Channels * g.OutHeight * g.OutWidth];
        for (int plane = 0; plane < g.Batch * g.Channels; plane++)
        {
            for (int oh = 0; oh < g.OutHeight; oh++)
            {
                for (int ow = 0; ow < g.OutWidth; ow++)
                {
                    double sum = 0;
                    double maximum = double.NegativeInfinity;
                    int count = 0;
                    for (int kh = 0; kh < g.KernelHeight; kh++)
                    {
                        for (int kw = 0; kw < g.KernelWidth; kw++)
                        {
                            int ih = oh * g.StrideHeight - g.PadTop + kh * g.DilationHeight;
                            int iw = ow * g.StrideWidth - g.PadLeft + kw * g.DilationWidth;
                            bool onInput = ih >= 0 && ih < g.InHeight && iw >= 0 && iw < g.InWidth;
                            bool onPaddedInput = ih >= -g.PadTop && ih < g.InHeight + g.PadBottom
                                && iw >= -g.PadLeft && iw < g.InWidth + g.PadRight;
                            if (onInput)
                            {
                                double value = x[(plane * g.InHeight + ih) * g.InWidth + iw];
                                sum += value;
                                maximum = Math.Max(maximum, value);
                                count++;
                            }
                            else if (onPaddedInput && countIncludePad)
                            {
                                count++;
                            }
                        }
                    }

                    y[(plane * g.OutHeight + oh) * g.OutWidth + ow] = average ? sum / count : maximum;
                }
            }
        }

        return y;
    }
}
