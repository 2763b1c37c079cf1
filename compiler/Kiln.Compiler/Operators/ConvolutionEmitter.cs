using System.Linq;
using Kiln.Compiler.Graph;

namespace Kiln.Compiler.Operators;

/// <summary>The spatial sizes of a convolution-like step, in ONNX order (one value per spatial axis, 1-D, 2-D or 3-D).</summary>
internal sealed record ConvolutionSizes(int[] Input, int OutChannels, int[] Output, int[] Kernel, int[] Strides, int[] Dilations, int[] PadBegin, int Groups);

/// <summary>
/// Writes the call of a 2-D or 3-D convolution kernel (Conv or ConvTranspose): a static geometry field with every
/// size as a constant, then the call with its workspace. A 1-D step runs as 2-D with height 1.
/// </summary>
internal static class ConvolutionEmitter
{
    /// <param name="kernelClass">The runtime class, such as <c>Convolution</c>.</param>
    /// <param name="method">The kernel method without its rank suffix, such as <c>Conv</c> for <c>Conv2D</c> and <c>Conv3D</c>.</param>
    /// <param name="geometryType">The runtime geometry record without its rank and suffix, such as <c>Conv</c> for <c>Conv2DGeometry</c>.</param>
    public static void Emit(Node node, CpuEmitContext context, string kernelClass, string method, string geometryType, ConvolutionSizes sizes)
    {
        bool volume = sizes.Kernel.Length == 3;
        string rank = volume ? "3D" : "2D";
        string initializer = volume ? VolumeInitializer(sizes) : PlaneInitializer(sizes);
        string geometry = context.DeclareStatic($"{CpuEmitContext.Kernels}{geometryType}{rank}Geometry", node.DisplayName + "Geometry", initializer);

        context.Writer.Line($"{CpuEmitContext.Kernels}{kernelClass}.{method}{rank}(");
        context.Writer.Line($"    x: {context.ReadInput(node, 0)},");
        context.Writer.Line($"    weights: {context.ReadInput(node, 1)},");
        context.Writer.Line($"    bias: {context.ReadOptionalInput(node, 2)},");
        context.Writer.Line($"    y: {context.WriteOutput(node, 0)},");
        context.Writer.Line($"    workspace: {context.Workspace($"{CpuEmitContext.Kernels}{kernelClass}.WorkspaceLength({geometry})")},");
        context.Writer.Line($"    {geometry});");
    }

    /// <summary>Returns the initializer of a 2-D geometry record, for a 1-D or 2-D step.</summary>
    private static string PlaneInitializer(ConvolutionSizes sizes)
    {
        int[] input = sizes.Input;
        int[] spatial = input.Skip(2).ToArray();
        return "new(" +
            $"Batch: {input[0]}, InChannels: {input[1]}, InHeight: {Height(spatial, 1)}, InWidth: {Width(spatial)}, " +
            $"OutChannels: {sizes.OutChannels}, OutHeight: {Height(sizes.Output, 1)}, OutWidth: {Width(sizes.Output)}, " +
            $"KernelHeight: {Height(sizes.Kernel, 1)}, KernelWidth: {Width(sizes.Kernel)}, " +
            $"StrideHeight: {Height(sizes.Strides, 1)}, StrideWidth: {Width(sizes.Strides)}, " +
            $"DilationHeight: {Height(sizes.Dilations, 1)}, DilationWidth: {Width(sizes.Dilations)}, " +
            $"PadTop: {Height(sizes.PadBegin, 0)}, PadLeft: {Width(sizes.PadBegin)}, Groups: {sizes.Groups})";
    }

    /// <summary>Returns the initializer of a 3-D geometry record.</summary>
    private static string VolumeInitializer(ConvolutionSizes sizes)
    {
        int[] input = sizes.Input;
        return "new(" +
            $"Batch: {input[0]}, InChannels: {input[1]}, InDepth: {input[2]}, InHeight: {input[3]}, InWidth: {input[4]}, " +
            $"OutChannels: {sizes.OutChannels}, OutDepth: {sizes.Output[0]}, OutHeight: {sizes.Output[1]}, OutWidth: {sizes.Output[2]}, " +
            $"KernelDepth: {sizes.Kernel[0]}, KernelHeight: {sizes.Kernel[1]}, KernelWidth: {sizes.Kernel[2]}, " +
            $"StrideDepth: {sizes.Strides[0]}, StrideHeight: {sizes.Strides[1]}, StrideWidth: {sizes.Strides[2]}, " +
            $"DilationDepth: {sizes.Dilations[0]}, DilationHeight: {sizes.Dilations[1]}, DilationWidth: {sizes.Dilations[2]}, " +
            $"PadFront: {sizes.PadBegin[0]}, PadTop: {sizes.PadBegin[1]}, PadLeft: {sizes.PadBegin[2]}, Groups: {sizes.Groups})";
    }

    /// <summary>The height value: the first axis in 2-D, <paramref name="oneDimensional"/> (a neutral value) in 1-D.</summary>
    private static int Height(int[] values, int oneDimensional) => values.Length == 1 ? oneDimensional : values[0];

    /// <summary>The width value: the last axis in both 1-D and 2-D.</summary>
    private static int Width(int[] values) => values[values.Length - 1];
}
