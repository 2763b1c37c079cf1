using System.Runtime.CompilerServices;
using ILGPU;

namespace Kiln.Gpu;

/// <summary>
/// A grouped 3-D transposed convolution of a batch of images as implicit GEMMs, one per image and group, in gather
/// form: output position o receives input position i through tap t where o = i·stride − pad + t·dilation. A is the
/// group's weights read transposed (output channels × C/group·KD·KH·KW). B contains, for each tap and output
/// position, the input that reaches it. It is 0 where the stride does not divide o + pad − t·dilation or the input
/// position falls outside. Each output element gets the bias of its channel. 1-D and 2-D run as 3-D with leading
/// sizes of 1.
/// </summary>
public struct TransposedConvolution3DOperands : IGemmOperands
{
    /// <summary>Input images, N×C×D×H×W.</summary>
    public ArrayView<float> X;

    /// <summary>Weights, C×M/group×KD×KH×KW.</summary>
    public ArrayView<float> Weights;

    /// <summary>Bias, M values, read only when <see cref="HasBias"/> is set.</summary>
    public ArrayView<float> Bias;

    /// <summary>Output images, N×M×OD×OH×OW.</summary>
    public ArrayView<float> Y;

    /// <summary>Whether <see cref="Bias"/> is added.</summary>
    public bool HasBias;

    /// <summary>Sizes, strides, dilations and padding; the padding is the begin padding removed from the full result.</summary>
    public ConvolutionVolumeShape Shape;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly float LoadA(int batch, int row, int k)
    {
        int taps = Shape.KernelDepth * Shape.KernelHeight * Shape.KernelWidth;
        int channel = k / taps;
        int tap = k - (channel * taps);
        int inChannel = ((batch % Shape.Groups) * Shape.GroupInChannels) + channel;
        return Weights[(((inChannel * Shape.GroupOutChannels) + row) * taps) + tap];
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly float LoadB(int batch, int k, int column)
    {
        ConvolutionVolumeShape s = Shape;
        s.SplitDepth(k, out int channel, out int kernelDepth, out int kernelRow, out int kernelColumn);
        s.SplitColumn(column, out int outDepth, out int outRow, out int outColumn);

        // The stride divides these only for the input positions that reach the output; they may be negative.
        int depthSpan = outDepth + s.PadFront - (kernelDepth * s.DilationDepth);
        int rowSpan = outRow + s.PadTop - (kernelRow * s.DilationHeight);
        int columnSpan = outColumn + s.PadLeft - (kernelColumn * s.DilationWidth);
        if (depthSpan < 0 || rowSpan < 0 || columnSpan < 0 ||
            depthSpan % s.StrideDepth != 0 || rowSpan % s.StrideHeight != 0 || columnSpan % s.StrideWidth != 0)
        {
            return 0f;
        }

        int inDepth = depthSpan / s.StrideDepth;
        int inRow = rowSpan / s.StrideHeight;
        int inColumn = columnSpan / s.StrideWidth;
        if (inDepth >= s.InDepth || inRow >= s.InHeight || inColumn >= s.InWidth)
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
