using System.Runtime.CompilerServices;
using ILGPU;

namespace Kiln.Gpu;

/// <summary>
/// A grouped 2-D convolution of one image as implicit GEMMs, one per group. A is the group's weights
/// (output channels × C/group·KH·KW) and B the input unfolded on the fly (C/group·KH·KW × OH·OW). Each output
/// element gets the bias of its channel. Generated kernels set every field from constants.
/// </summary>
public struct Convolution2DOperands : IGemmOperands
{
    /// <summary>Input image, C×H×W.</summary>
    public ArrayView<float> X;

    /// <summary>Weights, M×C/group×KH×KW.</summary>
    public ArrayView<float> Weights;

    /// <summary>Bias, M values; read only when <see cref="HasBias"/>.</summary>
    public ArrayView<float> Bias;

    /// <summary>Output image, M×OH×OW.</summary>
    public ArrayView<float> Y;

    /// <summary>Whether <see cref="Bias"/> is added.</summary>
    public bool HasBias;

    /// <summary>Input channels per group.</summary>
    public int GroupInChannels;

    /// <summary>Output channels per group: the rows of each product.</summary>
    public int GroupOutChannels;

    /// <summary>Input height.</summary>
    public int InHeight;

    /// <summary>Input width.</summary>
    public int InWidth;

    /// <summary>Output height.</summary>
    public int OutHeight;

    /// <summary>Output width.</summary>
    public int OutWidth;

    /// <summary>Kernel height.</summary>
    public int KernelHeight;

    /// <summary>Kernel width.</summary>
    public int KernelWidth;

    /// <summary>Vertical stride.</summary>
    public int StrideHeight;

    /// <summary>Horizontal stride.</summary>
    public int StrideWidth;

    /// <summary>Vertical dilation.</summary>
    public int DilationHeight;

    /// <summary>Horizontal dilation.</summary>
    public int DilationWidth;

    /// <summary>Zero rows added above the input.</summary>
    public int PadTop;

    /// <summary>Zero columns added left of the input.</summary>
    public int PadLeft;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly float LoadA(int batch, int row, int k)
    {
        int depth = GroupInChannels * KernelHeight * KernelWidth;
        return Weights[(((batch * GroupOutChannels) + row) * depth) + k];
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly float LoadB(int batch, int k, int column)
    {
        int taps = KernelHeight * KernelWidth;
        int channel = k / taps;
        int tap = k - (channel * taps);
        int kernelRow = tap / KernelWidth;
        int kernelColumn = tap - (kernelRow * KernelWidth);
        int outRow = column / OutWidth;
        int outColumn = column - (outRow * OutWidth);
        int inRow = (outRow * StrideHeight) - PadTop + (kernelRow * DilationHeight);
        int inColumn = (outColumn * StrideWidth) - PadLeft + (kernelColumn * DilationWidth);
        if (inRow < 0 || inRow >= InHeight || inColumn < 0 || inColumn >= InWidth)
        {
            return 0f;
        }

        int inChannel = (batch * GroupInChannels) + channel;
        return X[(((inChannel * InHeight) + inRow) * InWidth) + inColumn];
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly void Store(int batch, int row, int column, float sum)
    {
        int channel = (batch * GroupOutChannels) + row;
        float bias = HasBias ? Bias[channel] : 0f;
        Y[(channel * OutHeight * OutWidth) + column] = sum + bias;
    }
}
