using System.Linq;
using Kiln.Compiler.Emit;
using Kiln.Compiler.Graph;

namespace Kiln.Compiler.Operators;

/// <summary>
/// Writes the implicit-GEMM kernel of a Conv or ConvTranspose step over a batch of images and up to three spatial axes:
/// one <c>TiledGemm</c> product per image and group, through <c>Convolution3DOperands</c> or
/// <c>TransposedConvolution3DOperands</c>. 1-D and 2-D steps run as 3-D with leading sizes of 1.
/// </summary>
internal static class ConvolutionGpuEmitter
{
    public static void Emit(Node node, GpuEmitContext context, ConvolutionSizes sizes, bool transposed)
    {
        int missing = 3 - sizes.Kernel.Length;
        int[] Pad(int[] values, int fill) => Enumerable.Repeat(fill, missing).Concat(values).ToArray();
        int[] input = Pad(sizes.Input.Skip(2).ToArray(), 1);
        int[] output = Pad(sizes.Output, 1);
        int[] kernel = Pad(sizes.Kernel, 1);
        int[] strides = Pad(sizes.Strides, 1);
        int[] dilations = Pad(sizes.Dilations, 1);
        int[] padBegin = Pad(sizes.PadBegin, 0);
        int images = sizes.Input[0];
        int groupIn = sizes.Input[1] / sizes.Groups;
        int groupOut = sizes.OutChannels / sizes.Groups;
        int depth = groupIn * kernel[0] * kernel[1] * kernel[2];
        int columns = output[0] * output[1] * output[2];
        int batches = images * sizes.Groups;
        if (groupOut == 0 || columns == 0 || images == 0)
        {
            throw context.Unsupported(node, "the output has no elements, and the GPU kernels launch at least one thread");
        }

        string gemm = $"{GpuEmitContext.Runtime}TiledGemm";
        string operandsType = transposed ? "TransposedConvolution3DOperands" : "Convolution3DOperands";
        bool hasBias = node.OptionalInput(2) is not null;
        SourceWriter writer = context.Writer;
        using (context.Kernel(node, "ImplicitGemm", $"{gemm}.Tiles(batches: {batches}, m: {groupOut}, n: {columns})"))
        {
            writer.Line($"var operands = new {GpuEmitContext.Runtime}{operandsType}");
            writer.Line("{");
            writer.Line($"    X = {context.ReadInput(node, 0)},");
            writer.Line($"    Weights = {context.ReadInput(node, 1)},");
            writer.Line(hasBias ? $"    Bias = {context.ReadInput(node, 2)}," : "    Bias = default,");
            writer.Line($"    Y = {context.WriteOutput(node, 0)},");
            writer.Line($"    HasBias = {Literals.Bool(hasBias)},");
            writer.Line($"    Shape = new {GpuEmitContext.Runtime}ConvolutionVolumeShape");
            writer.Line("    {");
            writer.Line($"        Groups = {sizes.Groups}, GroupInChannels = {groupIn}, GroupOutChannels = {groupOut},");
            writer.Line($"        InDepth = {input[0]}, InHeight = {input[1]}, InWidth = {input[2]}, OutDepth = {output[0]}, OutHeight = {output[1]}, OutWidth = {output[2]},");
            writer.Line($"        KernelDepth = {kernel[0]}, KernelHeight = {kernel[1]}, KernelWidth = {kernel[2]}, StrideDepth = {strides[0]}, StrideHeight = {strides[1]}, StrideWidth = {strides[2]},");
            writer.Line($"        DilationDepth = {dilations[0]}, DilationHeight = {dilations[1]}, DilationWidth = {dilations[2]}, PadFront = {padBegin[0]}, PadTop = {padBegin[1]}, PadLeft = {padBegin[2]},");
            writer.Line("    },");
            writer.Line("};");
            writer.Line($"{gemm}.Run(operands, batches: {batches}, m: {groupOut}, n: {columns}, k: {depth});");
        }
    }
}
