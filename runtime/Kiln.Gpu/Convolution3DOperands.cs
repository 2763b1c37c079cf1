using System.Runtime.CompilerServices;
using ILGPU;

namespace Kiln.Gpu;

/// <summary>
/// A grouped 3-D convolution of a batch of images as implicit GEMMs, one per image and group. A is the group's
/// weights (output channels × C/group·KD·KH·KW) and B the image unfolded on the fly (C/group·KD·KH·KW × OD·OH·OW).
/// Each output element gets the bias of its channel. 1-D and 2-D convolutions run as 3-D with leading sizes of 1.
/// </summary>
public struct Convolution3DOperands : IGemmOperands
{
    /// <summary>Input images, N×C×D×H×W.</summary>
    public ArrayView<float> X;

    /// <summary>Weights, M×C/group×KD×KH×KW.</summary>
    public ArrayView<float> Weights;

    /// <summary>Bias, M values, read only when <see cref="HasBias"/> is set.</summary>
    public ArrayView<float> Bias;

    /// <summary>Output images, N×M×OD×OH×OW.</summary>
    public ArrayView<float> Y;

    /// <summary>Whether <see cref="Bias"/> is added.</summary>
    public bool HasBias;

    /// <summary>Sizes, strides, dilations and padding.</summary>
    public ConvolutionVolumeShape Shape;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly float LoadA(int batch, int row, int k)
    {
        int group = batch % Shape.Groups;
        int depth = Shape.GroupInChannels * Shape.KernelDepth * Shape.KernelHeight * Shape.KernelWidth;
        return Weights[(((group * Shape.GroupOutChannels) + row) * depth) + k];
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly float LoadB(int batch, int k, int column)
    {
        ConvolutionVolumeShape s = Shape;
        s.SplitDepth(k, out int channel, out int kernelDepth, out int kernelRow, out int kernelColumn);
        s.SplitColumn(column, out int outDepth, out int outRow, out int outColumn);
        int inDepth = (outDepth * s.StrideDepth) - s.PadFront + (kernelDepth * s.DilationDepth);
        int inRow = (outRow * s.StrideHeight) - s.PadTop + (kernelRow * s.DilationHeight);
        int inColumn = (outColumn * s.StrideWidth) - s.PadLeft + (kernelColumn * s.DilationWidth);
        if (inDepth < 0 || inDepth >= s.InDepth || inRow < 0 || inRow >= s.InHeight || inColumn < 0 || inColumn >= s.InWidth)
        {
            return 0f;
        }

        return X[s.InputOffset(batch, channel, inDepth, inRow, inColumn)];
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly void Store(int batch, int row, int column, float sum)
    {
        float bias = HasBias ? Bias[Shape.OutputChannel(batch, row)] : 0f;
        Y[Shape.OutputOffset(batch, row, column)] = sum + bias;
    }
}
