using Kiln.Cpu;

namespace Kiln.Runtime.Tests.Cpu;

public class ConvolutionVolumeTests
{
    /// <summary>
    /// Geometries for the comparison with <see cref="Reference"/>. Arguments: Batch, InChannels, InDepth, InHeight,
    /// InWidth, OutChannels, OutDepth, OutHeight, OutWidth, KernelDepth, KernelHeight, KernelWidth, StrideDepth,
    /// StrideHeight, StrideWidth, DilationDepth, DilationHeight, DilationWidth, PadFront, PadTop, PadLeft, Groups.
    /// </summary>
    private static readonly Dictionary<string, Conv3DGeometry> Geometries = new()
    {
        ["3x3x3 stride 1"] = new(1, 2, 4, 5, 6, 3, 2, 3, 4, 3, 3, 3, 1, 1, 1, 1, 1, 1, 0, 0, 0, 1),
        ["stride 2 pad 1"] = new(2, 3, 5, 6, 5, 4, 3, 3, 3, 3, 3, 3, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1),
        ["dilation and rectangular kernel"] = new(1, 2, 7, 6, 5, 2, 3, 4, 2, 2, 2, 3, 1, 1, 2, 2, 2, 1, 0, 1, 1, 1),
        ["groups 2"] = new(1, 4, 3, 4, 4, 6, 3, 4, 4, 3, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2),
        ["1x1x1 kernel"] = new(1, 5, 2, 3, 4, 3, 2, 3, 4, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 1),
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
    public void MatchesReference(string name, bool withBias)
    {
        Conv3DGeometry g = Geometries[name];
        float[] x = CpuAssert.RandomValues(g.Batch * g.InChannels * g.InDepth * g.InHeight * g.InWidth, seed: 11);
        float[] weights = CpuAssert.RandomValues(g.OutChannels * (g.InChannels / g.Groups) * g.KernelDepth * g.KernelHeight * g.KernelWidth, seed: 12);
        float[] bias = withBias ? CpuAssert.RandomValues(g.OutChannels, seed: 13) : [];
        var y = new float[g.Batch * g.OutChannels * g.OutDepth * g.OutHeight * g.OutWidth];

        Convolution.Conv3D(x, weights, bias, y, Workspace(g), g);

        CpuAssert.Close(Reference(x, weights, bias, g), y);
    }

    [Fact]
    public void DepthAndWidthTapsHandWorked()
    {
        // Input 2×2×2 contains 1..8 as x[d, h, w], and the 2×1×2 filter [[1, 2], [3, 4]] is indexed [kd, kw].
        // y[h] = 1·x[0, h, 0] + 2·x[0, h, 1] + 3·x[1, h, 0] + 4·x[1, h, 1] + 0.5: 1 + 4 + 15 + 24 + 0.5 and 3 + 8 + 21 + 32 + 0.5.
        var g = new Conv3DGeometry(1, 1, 2, 2, 2, 1, 1, 2, 1, 2, 1, 2, 1, 1, 1, 1, 1, 1, 0, 0, 0, 1);
        var y = new float[2];

        Convolution.Conv3D([1, 2, 3, 4, 5, 6, 7, 8], [1, 2, 3, 4], [0.5f], y, Workspace(g), g);

        Assert.Equal([44.5f, 64.5f], y);
    }

    [Fact]
    public void PaddingAndStrideHandWorked()
    {
        // Input 3×3×3 contains x[d, h, w] = 9d + 3h + w. A 3×3×3 filter of ones with padding 1 and stride 2 sums the
        // 2 positions per axis that each window keeps: {0, 1} for output index 0 and {1, 2} for index 1. With
        // S(0) = 1 and S(1) = 3 that is y[a, b, c] = 4·9·S(a) + 4·3·S(b) + 4·S(c).
        var g = new Conv3DGeometry(1, 1, 3, 3, 3, 1, 2, 2, 2, 3, 3, 3, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1);
        float[] x = Enumerable.Range(0, 27).Select(i => (float)i).ToArray();
        float[] weights = Enumerable.Repeat(1f, 27).ToArray();
        var y = new float[8];

        Convolution.Conv3D(x, weights, [], y, Workspace(g), g);

        Assert.Equal([52f, 60f, 76f, 84f, 124f, 132f, 148f, 156f], y);
    }

    [Fact]
    public void DepthOneMatchesConv2D()
    {
        var volume = new Conv3DGeometry(2, 3, 1, 6, 7, 4, 1, 3, 4, 1, 3, 3, 1, 2, 2, 1, 1, 1, 0, 1, 1, 1);
        var plane = new Conv2DGeometry(2, 3, 6, 7, 4, 3, 4, 3, 3, 2, 2, 1, 1, 1, 1, 1);
        float[] x = CpuAssert.RandomValues(2 * 3 * 6 * 7, seed: 14);
        float[] weights = CpuAssert.RandomValues(4 * 3 * 9, seed: 15);
        float[] bias = CpuAssert.RandomValues(4, seed: 16);
        var fromVolume = new float[2 * 4 * 3 * 4];
        var fromPlane = new float[fromVolume.Length];

        Convolution.Conv3D(x, weights, bias, fromVolume, Workspace(volume), volume);
        Convolution.Conv2D(x, weights, bias, fromPlane, new float[Convolution.WorkspaceLength(plane)], plane);

        CpuAssert.Close(fromPlane, fromVolume);
    }

    [Fact]
    public void WrongWeightCountThrows()
    {
        var g = new Conv3DGeometry(1, 1, 2, 2, 2, 1, 1, 1, 1, 2, 2, 2, 1, 1, 1, 1, 1, 1, 0, 0, 0, 1);

        var error = Assert.Throws<ArgumentException>(() => Convolution.Conv3D(new float[8], new float[7], [], new float[1], Workspace(g), g));

        Assert.Equal("weights", error.ParamName);
    }

    [Fact]
    public void UnevenGroupsThrow()
    {
        var g = new Conv3DGeometry(1, 3, 2, 2, 2, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 2);

        var error = Assert.Throws<ArgumentException>(() => Convolution.WorkspaceLength(g));

        Assert.Contains("multiples of Groups", error.Message);
    }

    private static float[] Workspace(Conv3DGeometry g) => new float[Convolution.WorkspaceLength(g)];

    /// <summary>Computes each output position directly from its window, reading zero outside the input.</summary>
    private static double[] Reference(float[] x, float[] weights, float[] bias, Conv3DGeometry g)
    {
        int groupIn = g.InChannels / g.Groups;
        int groupOut = g.OutChannels / g.Groups;
        var y = new double[g.Batch * g.OutChannels * g.OutDepth * g.OutHeight * g.OutWidth];
        int output = 0;
        for (int n = 0; n < g.Batch; n++)
        {
            for (int m = 0; m < g.OutChannels; m++)
            {
                int group = m / groupOut;
                for (int od = 0; od < g.OutDepth; od++)
                {
                    for (int oh = 0; oh < g.OutHeight; oh++)
                    {
                        for (int ow = 0; ow < g.OutWidth; ow++, output++)
                        {
                            double sum = bias.Length > 0 ? bias[m] : 0;
                            for (int c = 0; c < groupIn; c++)
                            {
                                int channel = group * groupIn + c;
                                for (int kd = 0; kd < g.KernelDepth; kd++)
                                {
                                    for (int kh = 0; kh < g.KernelHeight; kh++)
                                    {
                                        for (int kw = 0; kw < g.KernelWidth; kw++)
                                        {
                                            int d = od * g.StrideDepth + kd * g.DilationDepth - g.PadFront;
                                            int h = oh * g.StrideHeight + kh * g.DilationHeight - g.PadTop;
                                            int w = ow * g.StrideWidth + kw * g.DilationWidth - g.PadLeft;
                                            if (d < 0 || h < 0 || w < 0 || d >= g.InDepth || h >= g.InHeight || w >= g.InWidth)
                                            {
                                                continue;
                                            }

                                            float input = x[(((n * g.InChannels + channel) * g.InDepth + d) * g.InHeight + h) * g.InWidth + w];
                                            float weight = weights[(((m * groupIn + c) * g.KernelDepth + kd) * g.KernelHeight + kh) * g.KernelWidth + kw];
                                            sum += (double)input * weight;
                                        }
                                    }
                                }
                            }

                            y[output] = sum;
                        }
                    }
                }
            }
        }

        return y;
    }
}
