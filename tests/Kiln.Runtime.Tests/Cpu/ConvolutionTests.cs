using Kiln.Cpu;

namespace Kiln.Runtime.Tests.Cpu;

public class ConvolutionTests
{
    /// <summary>
    /// Geometries that reach the tails of the matrix product and every part of the unfolding.
    /// Arguments: Batch, InChannels, InHeight, InWidth, OutChannels, OutHeight, OutWidth, KernelHeight, KernelWidth,
    /// StrideHeight, StrideWidth, DilationHeight, DilationWidth, PadTop, PadLeft, Groups.
    /// </summary>
    private static readonly Dictionary<string, Conv2DGeometry> Geometries = new()
    {
        ["3x3 pad 1"] = new(1, 3, 7, 9, 5, 7, 9, 3, 3, 1, 1, 1, 1, 1, 1, 1),
        ["7x7 stride 2 asymmetric pad"] = new(1, 3, 20, 22, 13, 10, 11, 7, 7, 2, 2, 1, 1, 3, 3, 1),
        ["dilation 2 batch 2"] = new(2, 4, 11, 10, 7, 8, 7, 3, 3, 1, 1, 2, 2, 1, 0, 1),
        ["groups 3"] = new(1, 6, 9, 8, 9, 9, 8, 3, 3, 1, 1, 1, 1, 1, 1, 3),
        ["depthwise stride 2"] = new(1, 5, 8, 8, 5, 4, 4, 3, 3, 2, 2, 1, 1, 1, 1, 5),
        ["1x1 direct"] = new(2, 7, 5, 6, 11, 5, 6, 1, 1, 1, 1, 1, 1, 0, 0, 1),
        ["1x1 stride 2"] = new(1, 8, 9, 9, 10, 5, 5, 1, 1, 2, 2, 1, 1, 0, 0, 1),
        ["depth over 256"] = new(1, 40, 6, 7, 14, 6, 7, 3, 3, 1, 1, 1, 1, 1, 1, 1),
        ["output over 256 positions"] = new(1, 2, 20, 19, 3, 20, 19, 3, 3, 1, 1, 1, 1, 1, 1, 1),
        ["130 filters"] = new(1, 3, 5, 5, 130, 5, 5, 3, 3, 1, 1, 1, 1, 1, 1, 1),
        ["implied bottom pad"] = new(1, 2, 6, 6, 3, 4, 4, 3, 3, 2, 2, 1, 1, 0, 0, 1),
        ["kernel wider than input"] = new(1, 1, 2, 3, 2, 4, 3, 3, 5, 1, 1, 1, 1, 1, 2, 1),
        ["stride 2 wide rows"] = new(1, 2, 5, 41, 3, 3, 21, 3, 3, 2, 2, 1, 1, 1, 1, 1),
        ["rectangular stride"] = new(1, 2, 9, 12, 4, 4, 6, 2, 3, 2, 2, 1, 2, 0, 1, 2),
    };

    public static TheoryData<string, bool> Cases()
    {
        var cases = new TheoryData<string, bool>();
        foreach (string name in Geometries.Keys)
        {
            cases.Add(name, true);
            cases.Add(name, false);
        }

        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesReference(string geometryName, bool withBias)
    {
        Conv2DGeometry g = Geometries[geometryName];
        float[] x = CpuAssert.RandomValues(g.Batch * g.InChannels * g.InHeight * g.InWidth, 11);
        float[] weights = CpuAssert.RandomValues(g.OutChannels * (g.InChannels / g.Groups) * g.KernelHeight * g.KernelWidth, 12);
        float[] bias = withBias ? CpuAssert.RandomValues(g.OutChannels, 13) : [];

        float[] y = Run(x, weights, bias, g);

        CpuAssert.Close(Reference(x, weights, bias, g), y);
    }

    [Fact]
    public void HandWorkedTwoByTwoKernel()
    {
        // Input 1 2 3 / 4 5 6 / 7 8 9, kernel 1 0 / 0 −1: each output is top-left minus bottom-right, plus 0.5.
        var g = new Conv2DGeometry(1, 1, 3, 3, 1, 2, 2, 2, 2, 1, 1, 1, 1, 0, 0, 1);
        float[] x = [1, 2, 3, 4, 5, 6, 7, 8, 9];
        float[] weights = [1, 0, 0, -1];

        float[] y = Run(x, weights, [0.5f], g);

        Assert.Equal([-3.5f, -3.5f, -3.5f, -3.5f], y);
    }

    [Fact]
    public void HandWorkedPaddingAndStride()
    {
        // A 3×3 box filter with pad 1 and stride 2 over 1..9: the four outputs sum the 2×2 corners of the input.
        var g = new Conv2DGeometry(1, 1, 3, 3, 1, 2, 2, 3, 3, 2, 2, 1, 1, 1, 1, 1);
        float[] x = [1, 2, 3, 4, 5, 6, 7, 8, 9];
        float[] weights = [1, 1, 1, 1, 1, 1, 1, 1, 1];

        float[] y = Run(x, weights, [], g);

        Assert.Equal([1f + 2 + 4 + 5, 2f + 3 + 5 + 6, 4f + 5 + 7 + 8, 5f + 6 + 8 + 9], y);
    }

    [Fact]
    public void NaNInputReachesOutputsThatReadIt()
    {
        // Zero weights: 0·NaN is NaN, so every output whose window covers the NaN is NaN and the others are 0.
        var g = new Conv2DGeometry(1, 1, 4, 4, 2, 4, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1);
        var x = new float[16];
        x[0] = float.NaN;
        var weights = new float[18];

        float[] y = Run(x, weights, [], g);

        for (int channel = 0; channel < 2; channel++)
        {
            for (int position = 0; position < 16; position++)
            {
                bool readsNaN = position / 4 <= 1 && position % 4 <= 1;
                Assert.Equal(readsNaN, float.IsNaN(y[channel * 16 + position]));
            }
        }
    }

    [Fact]
    public void NaNWeightReachesItsChannel()
    {
        var g = new Conv2DGeometry(1, 2, 3, 3, 2, 3, 3, 1, 1, 1, 1, 1, 1, 0, 0, 1);
        float[] x = CpuAssert.RandomValues(18, 5);
        float[] weights = [1, 2, float.NaN, 3];

        float[] y = Run(x, weights, [], g);

        Assert.DoesNotContain(y[..9], float.IsNaN);
        Assert.All(y[9..], value => Assert.True(float.IsNaN(value)));
    }

    [Fact]
    public void DirectWorkspaceHoldsOnlyPackBuffer()
    {
        var g = new Conv2DGeometry(1, 64, 56, 56, 64, 56, 56, 1, 1, 1, 1, 1, 1, 0, 0, 1);

        Assert.Equal(64 * 256, Convolution.WorkspaceLength(g));
    }

    [Fact]
    public void UnfoldingWorkspaceHoldsOneGroup()
    {
        var g = new Conv2DGeometry(1, 6, 5, 5, 4, 5, 5, 3, 3, 1, 1, 1, 1, 1, 1, 2);

        Assert.Equal(3 * 9 * 25 + 27 * 32, Convolution.WorkspaceLength(g));
    }

    [Fact]
    public void ShortInputThrows()
    {
        var g = new Conv2DGeometry(1, 2, 3, 3, 1, 3, 3, 1, 1, 1, 1, 1, 1, 0, 0, 1);

        var error = Assert.Throws<ArgumentException>(() =>
            Convolution.Conv2D(new float[17], new float[2], [], new float[9], new float[Convolution.WorkspaceLength(g)], g));

        Assert.Equal("x", error.ParamName);
        Assert.Contains("expected 18 floats", error.Message);
        Assert.Contains("got 17", error.Message);
    }

    [Fact]
    public void ShortWorkspaceThrows()
    {
        var g = new Conv2DGeometry(1, 1, 3, 3, 1, 3, 3, 3, 3, 1, 1, 1, 1, 1, 1, 1);
        int length = Convolution.WorkspaceLength(g);

        var error = Assert.Throws<ArgumentException>(() =>
            Convolution.Conv2D(new float[9], new float[9], [], new float[9], new float[length - 1], g));

        Assert.Equal("workspace", error.ParamName);
    }

    [Fact]
    public void UnevenGroupsThrow()
    {
        var g = new Conv2DGeometry(1, 4, 3, 3, 3, 3, 3, 1, 1, 1, 1, 1, 1, 0, 0, 2);

        var error = Assert.Throws<ArgumentException>(() => Convolution.WorkspaceLength(g));

        Assert.Equal("geometry", error.ParamName);
    }

    [Fact]
    public void ZeroStrideThrows()
    {
        var g = new Conv2DGeometry(1, 1, 3, 3, 1, 3, 3, 1, 1, 0, 1, 1, 1, 0, 0, 1);

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Convolution.WorkspaceLength(g));

        Assert.Equal("geometry", error.ParamName);
        Assert.Contains("StrideHeight", error.Message);
    }

    private static float[] Run(float[] x, float[] weights, float[] bias, Conv2DGeometry g)
    {
        var y = new float[g.Batch * g.OutChannels * g.OutHeight * g.OutWidth];
        var workspace = new float[Convolution.WorkspaceLength(g)];
        Convolution.Conv2D(x, weights, bias, y, workspace, g);
        return y;
    }

    /// <summary>Computes the direct seven-loop convolution in double precision, skipping positions outside the input.</summary>
    private static double[] Reference(float[] x, float[] weights, float[] bias, Conv2DGeometry g)
    {
        int groupIn = g.InChannels / g.Groups;
        int groupOut = g.OutChannels / g.Groups;
        var y = new double[g.Batch * g.OutChannels * g.OutHeight * g.OutWidth];
        for (int n = 0; n < g.Batch; n++)
        {
            for (int m = 0; m < g.OutChannels; m++)
            {
                int group = m / groupOut;
                for (int oh = 0; oh < g.OutHeight; oh++)
                {
                    for (int ow = 0; ow < g.OutWidth; ow++)
                    {
                        double sum = bias.Length > 0 ? bias[m] : 0.0;
                        for (int c = 0; c < groupIn; c++)
                        {
                            for (int kh = 0; kh < g.KernelHeight; kh++)
                            {
                                for (int kw = 0; kw < g.KernelWidth; kw++)
                                {
                                    int ih = oh * g.StrideHeight + kh * g.DilationHeight - g.PadTop;
                                    int iw = ow * g.StrideWidth + kw * g.DilationWidth - g.PadLeft;
                                    if (ih < 0 || ih >= g.InHeight || iw < 0 || iw >= g.InWidth)
                                    {
                                        continue;
                                    }

                                    float input = x[((n * g.InChannels + group * groupIn + c) * g.InHeight + ih) * g.InWidth + iw];
                                    float weight = weights[((m * groupIn + c) * g.KernelHeight + kh) * g.KernelWidth + kw];
                                    sum += (double)input * weight;
                                }
                            }
                        }

                        y[((n * g.OutChannels + m) * g.OutHeight + oh) * g.OutWidth + ow] = sum;
                    }
                }
            }
        }

        return y;
    }
}
