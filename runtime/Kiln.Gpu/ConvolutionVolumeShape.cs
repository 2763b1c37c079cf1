using System.Runtime.CompilerServices;

namespace Kiln.Gpu;

/// <summary>
/// The sizes of a 3-D convolution or transposed convolution over a batch of images, for the implicit-GEMM operands.
/// 1-D and 2-D steps set the leading spatial sizes to 1, their strides and dilations to 1 and their padding to 0.
/// Product b of the GEMM is image b / Groups, group b % Groups. Generated kernels set every field from constants.
/// </summary>
public struct ConvolutionVolumeShape
{
    /// <summary>Channel groups.</summary>
    public int Groups;

    /// <summary>Input channels per group.</summary>
    public int GroupInChannels;

    /// <summary>Output channels per group: the rows of each product.</summary>
    public int GroupOutChannels;

    /// <summary>Input depth.</summary>
    public int InDepth;

    /// <summary>Input height.</summary>
    public int InHeight;

    /// <summary>Input width.</summary>
    public int InWidth;

    /// <summary>Output depth.</summary>
    public int OutDepth;

    /// <summary>Output height.</summary>
    public int OutHeight;

    /// <summary>Output width.</summary>
    public int OutWidth;

    /// <summary>Kernel depth.</summary>
    public int KernelDepth;

    /// <summary>Kernel height.</summary>
    public int KernelHeight;

    /// <summary>Kernel width.</summary>
    public int KernelWidth;

    /// <summary>Stride along the depth.</summary>
    public int StrideDepth;

    /// <summary>Vertical stride.</summary>
    public int StrideHeight;

    /// <summary>Horizontal stride.</summary>
    public int StrideWidth;

    /// <summary>Dilation along the depth.</summary>
    public int DilationDepth;

    /// <summary>Vertical dilation.</summary>
    public int DilationHeight;

    /// <summary>Horizontal dilation.</summary>
    public int DilationWidth;

    /// <summary>Padding before the first input plane along the depth.</summary>
    public int PadFront;

    /// <summary>Padding above the input.</summary>
    public int PadTop;

    /// <summary>Padding left of the input.</summary>
    public int PadLeft;

    /// <summary>Splits row <paramref name="k"/> of the unfolded input into the group's input channel and the kernel tap.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly void SplitDepth(int k, out int channel, out int kernelDepth, out int kernelRow, out int kernelColumn)
    {
        int taps = KernelDepth * KernelHeight * KernelWidth;
        channel = k / taps;
        int tap = k - (channel * taps);
        kernelDepth = tap / (KernelHeight * KernelWidth);
        kernelRow = tap / KernelWidth % KernelHeight;
        kernelColumn = tap % KernelWidth;
    }

    /// <summary>Splits column <paramref name="column"/> of a product into the output position.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly void SplitColumn(int column, out int outDepth, out int outRow, out int outColumn)
    {
        outDepth = column / (OutHeight * OutWidth);
        outRow = column / OutWidth % OutHeight;
        outColumn = column % OutWidth;
    }

    /// <summary>
    /// Returns the input offset of the group's input channel <paramref name="channel"/> at a position inside the input,
    /// in product <paramref name="batch"/>. Product b's input channels start at b × GroupInChannels.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly int InputOffset(int batch, int channel, int depth, int row, int column)
    {
        int inChannel = (batch * GroupInChannels) + channel;
        return (((((inChannel * InDepth) + depth) * InHeight) + row) * InWidth) + column;
    }

    /// <summary>Returns the channel, from 0 to M − 1, of output row <paramref name="row"/> in product <paramref name="batch"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly int OutputChannel(int batch, int row) => ((batch % Groups) * GroupOutChannels) + row;

    /// <summary>Returns the output offset of element (<paramref name="row"/>, <paramref name="column"/>) of product <paramref name="batch"/>, whose output channels start at b × GroupOutChannels.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly int OutputOffset(int batch, int row, int column) =>
        (((batch * GroupOutChannels) + row) * OutDepth * OutHeight * OutWidth) + column;
}
