using Kiln.Cpu;

namespace Kiln.Runtime.Tests.Cpu;

public class TransposedConvolutionVolumeTests
{
    /// <summary>
    /// Geometries for the comparison with <see cref="Reference"/>. Arguments: Batch, InChannels, InDepth, InHeight,
    /// InWidth, OutChannels, OutDepth, OutHeight, OutWidth, KernelDepth, KernelHeight, KernelWidth, StrideDepth,
    /// StrideHeight, StrideWidth, DilationDepth, DilationHeight, DilationWidth, PadFront, PadTop, PadLeft, Groups.
    /// </summary>
    private static readonly Dictionary<string, TransposedConv3DGeometry> Geometries = new()
    {
        ["3x3x3 stride 1"] = new(1, 2, 3, 4, 5, 3, 5, 6, 7, 3, 3, 3, 1, 1, 1, 1, 1, 1, 0, 0, 0, 1),
        ["stride 2 pad 1"] = new(2, 2, 3, 3, 4, 2, 5, 5, 7, 3, 3, 3, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1),
        ["dilation and rectangular kernel"] = new(1, 1, 2, 3, 4, 2, 5, 5, 9, 2, 2, 3, 1, 2, 2, 3, 1, 2, 0, 1, 0, 1),
        ["groups 2"] = new(1, 4, 2, 3, 3, 6, 4, 5, 5, 3, 3, 3, 1, 1, 1, 1, 1, 1, 0, 0, 0, 2),
        ["output larger than full result"] = new(1, 1, 2, 2, 2, 2, 6, 5, 4, 2, 2, 2, 2, 2, 1, 1, 1, 1, -1, 0, 0, 1),
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
        TransposedConv3DGeometry g = Geometries[name];
        float[] x = CpuAssert.RandomValues(g.Batch * g.InChannels * g.InDepth * g.InHeight * g.InWidth, seed: 21);
        float[] weights = CpuAssert.RandomValues(g.InChannels * (g.OutChannels / g.Groups) * g.KernelDepth * g.KernelHeight * g.KernelWidth, seed: 22);
        float[] bias = withBias ? CpuAssert.RandomValues(g.OutChannels, seed: 23) : [];
        var y = new float[g.Batch * g.OutChannels * g.OutDepth * g.OutHeight * g.OutWidth];

        TransposedConvolution.ConvTranspose3D(x, weights, bias, y, Workspace(g), g);

        CpuAssert.Close(Reference(x, weights, bias, g), y);
    }

    [Fact]
    public void DepthFilterSpreadsInput()
    {
        // The input [1, 2] along the width meets the filter [1, −1] along the depth: plane 0 gets [1, 2] and plane 1 gets [−1, −2].
        var g = new TransposedConv3DGeometry(1, 1, 1, 1, 2, 1, 2, 1, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 1);
        var y = new float[4];

        TransposedConvolution.ConvTranspose3D([1, 2], [1, -1], [], y, Workspace(g), g);

        Assert.Equal([1f, 2f, -1f, -2f], y);
    }

    [Fact]
    public void DepthStrideAndGroupsHandWorked()
    {
        // Two groups of one channel each. Depth stride 2 puts the input planes [1, 2] of channel 0 at output planes 0
        // and 2, scaled by 2, and those of channel 1 ([3, 4]) likewise, scaled by −1. Plane 1 contains only the bias.
        var g = new TransposedConv3DGeometry(1, 2, 2, 1, 1, 2, 3, 1, 1, 1, 1, 1, 2, 1, 1, 1, 1, 1, 0, 0, 0, 2);
        var y = new float[6];

        TransposedConvolution.ConvTranspose3D([1, 2, 3, 4], [2, -1], [0.5f, 0], y, Workspace(g), g);

        Assert.Equal([2.5f, 0.5f, 4.5f, -3f, 0f, -4f], y);
    }

    [Fact]
    public void DepthOneMatchesConvTranspose2D()
    {
        var volume = new TransposedConv3DGeometry(2, 3, 1, 4, 5, 4, 1, 9, 11, 1, 3, 3, 1, 2, 2, 1, 1, 1, 0, 0, 0, 1);
        var plane = new TransposedConv2DGeometry(2, 3, 4, 5, 4, 9, 11, 3, 3, 2, 2, 1, 1, 0, 0, 1);
        float[] x = CpuAssert.RandomValues(2 * 3 * 4 * 5, seed: 24);
        float[] weights = CpuAssert.RandomValues(3 * 4 * 9, seed: 25);
        var fromVolume = new float[2 * 4 * 9 * 11];
        var fromPlane = new float[fromVolume.Length];

        TransposedConvolution.ConvTranspose3D(x, weights, [], fromVolume, Workspace(volume), volume);
        TransposedConvolution.ConvTranspose2D(x, weights, [], fromPlane, new float[TransposedConvolution.WorkspaceLength(plane)], plane);

        CpuAssert.Close(fromPlane, fromVolume);
    }

    [Fact]
    public void ShortWorkspaceThrows()
    {
        var g = new TransposedConv3DGeometry(1, 1, 2, 2, 2, 1, 3, 3, 3, 2, 2, 2, 1, 1, 1, 1, 1, 1, 0, 0, 0, 1);

        var error = Assert.Throws<ArgumentException>(() =>
            TransposedConvolution.ConvTranspose3D(new float[8], new float[8], [], new float[27], new float[1], g));

        Assert.Equal("workspace", error.ParamName);
    }

    private static float[] Workspace(TransposedConv3DGeometry g) => new float[TransposedConvolution.WorkspaceLength(g)];

    /// <summary>Computes the transposed convolution as a gather: each output position sums the input positions that reach it.</summary>
    private static double[] Reference(float[] x, float[] weights, float[] bias, TransposedConv3DGeometry g)
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
                            for (int c = group * groupIn; c < (group + 1) * groupIn; c++)
                            {
                                for (int kd = 0; kd < g.KernelDepth; kd++)
                                {
                                    for (int kh = 0; kh < g.KernelHeight; kh++)
                                    {
                                        for (int kw = 0; kw < g.KernelWidth; kw++)
                                        {
                                            int? d = Source(od + g.PadFront - kd * g.DilationDepth, g.StrideDepth, g.InDepth);
                                            int? h = Source(oh + g.PadTop - kh * g.DilationHeight, g.StrideHeight, g.InHeight);
                                            int? w = Source(ow + g.PadLeft - kw * g.DilationWidth, g.StrideWidth, g.InWidth);
                                            if (d is null || h is null || w is null)
                                            {
                                                continue;
                                            }

                                            float input = x[(((n * g.InChannels + c) * g.InDepth + d.Value) * g.InHeight + h.Value) * g.InWidth + w.Value];
                                            float weight = weights[(((c * groupOut + m % groupOut) * g.KernelDepth + kd) * g.KernelHeight + kh) * g.KernelWidth + kw];
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

    /// <summary>Returns the input index i with i·stride = numerator inside [0, size), or null when there is none.</summary>
    private static int? Source(int numerator, int stride, int size) =>
        numerator < 0 || numerator % stride != 0 || numerator / stride >= size ? null : numerator / stride;
}
