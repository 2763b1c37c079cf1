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
}
