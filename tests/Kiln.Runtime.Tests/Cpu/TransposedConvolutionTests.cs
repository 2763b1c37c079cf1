using Kiln.Cpu;

namespace Kiln.Runtime.Tests.Cpu;

public class TransposedConvolutionTests
{
    /// <summary>
    /// Geometries for the comparison with <see cref="Reference"/>. Arguments: Batch, InChannels, InHeight, InWidth,
    /// OutChannels, OutHeight, OutWidth, KernelHeight, KernelWidth, StrideHeight, StrideWidth, DilationHeight,
    /// DilationWidth, PadTop, PadLeft, Groups.
    /// </summary>
    private static readonly Dictionary<string, TransposedConv2DGeometry> Geometries = new()
    {
        ["3x3 stride 1"] = new(1, 3, 5, 6, 4, 7, 8, 3, 3, 1, 1, 1, 1, 0, 0, 1),
        ["stride 2 pad 1"] = new(2, 2, 4, 5, 3, 7, 9, 3, 3, 2, 2, 1, 1, 1, 1, 1),
        ["rectangular stride and dilation"] = new(1, 2, 3, 4, 2, 10, 9, 2, 3, 3, 2, 2, 1, 0, 1, 1),
        ["groups 2"] = new(1, 4, 3, 3, 6, 5, 5, 3, 3, 1, 1, 1, 1, 0, 0, 2),
        ["output larger than full result"] = new(1, 1, 3, 3, 2, 10, 8, 3, 3, 3, 2, 1, 1, -1, 0, 1),
        ["kernel smaller than stride"] = new(1, 2, 4, 4, 2, 12, 12, 2, 2, 3, 3, 1, 1, 0, 0, 1),
        ["300 input channels"] = new(1, 300, 3, 3, 20, 5, 5, 3, 3, 1, 1, 1, 1, 0, 0, 1),
        ["input over 256 positions"] = new(2, 3, 20, 19, 5, 40, 38, 2, 2, 2, 2, 1, 1, 0, 0, 1),
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
        TransposedConv2DGeometry g = Geometries[name];
        float[] x = CpuAssert.RandomValues(g.Batch * g.InChannels * g.InHeight * g.InWidth, seed: 1);
        float[] weights = CpuAssert.RandomValues(g.InChannels * (g.OutChannels / g.Groups) * g.KernelHeight * g.KernelWidth, seed: 2);
        float[] bias = withBias ? CpuAssert.RandomValues(g.OutChannels, seed: 3) : [];
        var y = new float[g.Batch * g.OutChannels * g.OutHeight * g.OutWidth];

        TransposedConvolution.ConvTranspose2D(x, weights, bias, y, Workspace(g), g);

        CpuAssert.Close(Reference(x, weights, bias, g), y);
    }

    [Fact]
    public void StrideSpreadsInput()
    {
        // Each input value writes value·[1, 2] at position 2·w, so the contributions do not overlap.
        var g = new TransposedConv2DGeometry(1, 1, 1, 3, 1, 1, 6, 1, 2, 1, 2, 1, 1, 0, 0, 1);
        var y = new float[6];

        TransposedConvolution.ConvTranspose2D([1, 2, 3], [1, 2], [], y, Workspace(g), g);

        Assert.Equal([1f, 2f, 2f, 4f, 3f, 6f], y);
    }

    [Fact]
    public void OverlapsSumAndAddBias()
    {
        // Full result of [1, 2, 3] with the filter [1, 1, 1]: [1, 3, 6, 5, 3], then bias 0.5.
        var g = new TransposedConv2DGeometry(1, 1, 1, 3, 1, 1, 5, 1, 3, 1, 1, 1, 1, 0, 0, 1);
        var y = new float[5];

        TransposedConvolution.ConvTranspose2D([1, 2, 3], [1, 1, 1], [0.5f], y, Workspace(g), g);

        Assert.Equal([1.5f, 3.5f, 6.5f, 5.5f, 3.5f], y);
    }

    [Fact]
    public void PaddingCropsFullResult()
    {
        // The full result [1, 3, 6, 5, 3] loses one column on each side.
        var g = new TransposedConv2DGeometry(1, 1, 1, 3, 1, 1, 3, 1, 3, 1, 1, 1, 1, 0, 1, 1);
        var y = new float[3];

        TransposedConvolution.ConvTranspose2D([1, 2, 3], [1, 1, 1], [], y, Workspace(g), g);

        Assert.Equal([3f, 6f, 5f], y);
    }

    [Fact]
    public void NegativePaddingExtendsOutput()
    {
        // The full result of [1, 2] at stride 2 is [1, 0, 2]. A left pad of −1 and width 5 add a zero on each side.
        var g = new TransposedConv2DGeometry(1, 1, 1, 2, 1, 1, 5, 1, 1, 1, 2, 1, 1, 0, -1, 1);
        var y = new float[5];

        TransposedConvolution.ConvTranspose2D([1, 2], [1], [0.25f], y, Workspace(g), g);

        Assert.Equal([0.25f, 1.25f, 0.25f, 2.25f, 0.25f], y);
    }

    [Fact]
    public void DilationSpacesTaps()
    {
        // Filter [1, 10] with dilation 2: input w reaches output w (weight 1) and w + 2 (weight 10).
        var g = new TransposedConv2DGeometry(1, 1, 1, 2, 1, 1, 4, 1, 2, 1, 1, 1, 2, 0, 0, 1);
        var y = new float[4];

        TransposedConvolution.ConvTranspose2D([1, 2], [1, 10], [], y, Workspace(g), g);

        Assert.Equal([1f, 2f, 10f, 20f], y);
    }

    [Fact]
    public void DiagonalFilterShiftsImage()
    {
        // The filter [[1, 0], [0, 1]] adds the input to itself shifted one row down and one column right.
        var g = new TransposedConv2DGeometry(1, 1, 2, 2, 1, 3, 3, 2, 2, 1, 1, 1, 1, 0, 0, 1);
        var y = new float[9];

        TransposedConvolution.ConvTranspose2D([1, 2, 3, 4], [1, 0, 0, 1], [], y, Workspace(g), g);

        Assert.Equal([1f, 2f, 0f, 3f, 5f, 2f, 0f, 3f, 4f], y);
    }

    [Fact]
    public void WeightsAreInputChannelMajor()
    {
        // Weights are C×M×1×1 = [[1, 2], [3, 4]], so y[m] = Σc x[c]·w[c][m]: 1·1 + 2·3 and 1·2 + 2·4.
        var g = new TransposedConv2DGeometry(1, 2, 1, 1, 2, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1);
        var y = new float[2];

        TransposedConvolution.ConvTranspose2D([1, 2], [1, 2, 3, 4], [], y, Workspace(g), g);

        Assert.Equal([7f, 10f], y);
    }

    [Fact]
    public void GroupsKeepChannelsApart()
    {
        // Two groups of one channel each: channel 0 scales by 2 and channel 1 by −1, with no mixing.
        var g = new TransposedConv2DGeometry(1, 2, 1, 2, 2, 1, 2, 1, 1, 1, 1, 1, 1, 0, 0, 2);
        var y = new float[4];

        TransposedConvolution.ConvTranspose2D([1, 2, 3, 4], [2, -1], [], y, Workspace(g), g);

        Assert.Equal([2f, 4f, -3f, -4f], y);
    }

    [Fact]
    public void BatchImagesAreIndependent()
    {
        var g = new TransposedConv2DGeometry(2, 1, 1, 2, 1, 1, 3, 1, 2, 1, 1, 1, 1, 0, 0, 1);
        var y = new float[6];

        TransposedConvolution.ConvTranspose2D([1, 2, 10, 20], [1, 1], [], y, Workspace(g), g);

        Assert.Equal([1f, 3f, 2f, 10f, 30f, 20f], y);
    }

    [Fact]
    public void ShortInputThrows()
    {
        var g = new TransposedConv2DGeometry(1, 2, 3, 3, 1, 3, 3, 1, 1, 1, 1, 1, 1, 0, 0, 1);

        var error = Assert.Throws<ArgumentException>(() =>
            TransposedConvolution.ConvTranspose2D(new float[17], new float[2], [], new float[9], Workspace(g), g));

        Assert.Equal("x", error.ParamName);
        Assert.Contains("expected 18 floats", error.Message);
    }

    [Fact]
    public void WrongWeightCountThrows()
    {
        var g = new TransposedConv2DGeometry(1, 2, 3, 3, 4, 3, 3, 1, 1, 1, 1, 1, 1, 0, 0, 2);

        var error = Assert.Throws<ArgumentException>(() =>
            TransposedConvolution.ConvTranspose2D(new float[18], new float[8], [], new float[36], Workspace(g), g));

        Assert.Equal("weights", error.ParamName);
    }

    [Fact]
    public void ShortWorkspaceThrows()
    {
        var g = new TransposedConv2DGeometry(1, 1, 3, 3, 1, 5, 5, 3, 3, 1, 1, 1, 1, 0, 0, 1);
        int length = TransposedConvolution.WorkspaceLength(g);

        var error = Assert.Throws<ArgumentException>(() =>
            TransposedConvolution.ConvTranspose2D(new float[9], new float[9], [], new float[25], new float[length - 1], g));

        Assert.Equal("workspace", error.ParamName);
    }

    [Fact]
    public void UnevenGroupsThrow()
    {
        var g = new TransposedConv2DGeometry(1, 3, 3, 3, 2, 3, 3, 1, 1, 1, 1, 1, 1, 0, 0, 2);

        var error = Assert.Throws<ArgumentException>(() =>
            TransposedConvolution.ConvTranspose2D(new float[27], new float[3], [], new float[18], new float[1024], g));

        Assert.Contains("multiples of Groups", error.Message);
    }

    private static float[] Workspace(TransposedConv2DGeometry g) => new float[TransposedConvolution.WorkspaceLength(g)];

    /// <summary>Computes the transposed convolution as a gather: each output pixel sums the input pixels that reach it.</summary>
    private static double[] Reference(float[] x, float[] weights, float[] bias, TransposedConv2DGeometry g)
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
                        double sum = bias.Length > 0 ? bias[m] : 0;
                        for (int c = group * groupIn; c < (group + 1) * groupIn; c++)
                        {
                            for (int kh = 0; kh < g.KernelHeight; kh++)
                            {
                                for (int kw = 0; kw < g.KernelWidth; kw++)
                                {
                                    int rowNumerator = oh + g.PadTop - kh * g.DilationHeight;
                                    int columnNumerator = ow + g.PadLeft - kw * g.DilationWidth;
                                    if (rowNumerator < 0 || columnNumerator < 0 || rowNumerator % g.StrideHeight != 0 || columnNumerator % g.StrideWidth != 0)
                                    {
                                        continue;
                                    }

                                    int ih = rowNumerator / g.StrideHeight;
                                    int iw = columnNumerator / g.StrideWidth;
                                    if (ih >= g.InHeight || iw >= g.InWidth)
                                    {
                                        continue;
                                    }

                                    float input = x[((n * g.InChannels + c) * g.InHeight + ih) * g.InWidth + iw];
                                    float weight = weights[((c * groupOut + m % groupOut) * g.KernelHeight + kh) * g.KernelWidth + kw];
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
