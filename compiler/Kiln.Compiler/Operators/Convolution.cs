using System.Linq;
using Kiln.Compiler.Emit;
using Kiln.Compiler.Graph;

namespace Kiln.Compiler.Operators;

/// <summary>
/// Conv at opsets 1 to 17: 1-D, 2-D and 3-D convolution with groups, strides, dilations, explicit or automatic padding,
/// and an optional bias. Opset 11 only restated the SAME_UPPER/SAME_LOWER padding rule, which Kiln applies at every opset.
/// 1-D runs as 2-D with height 1.
/// </summary>
internal sealed class ConvOperator : Operator
{
    public ConvOperator()
        : base("Conv", 1, 17)
    {
    }

    public override void InferShapes(Node node, ShapeContext context)
    {
        Layout layout = Compute(node, context);
        int[] output = new[] { layout.Input[0], layout.OutChannels }.Concat(layout.Geometry.Output).ToArray();
        context.SetOutput(node, 0, ElementType.Float, output);
    }

    public override string DescribeAttributes(Node node, ShapeContext context)
    {
        Layout layout = Compute(node, context);
        return $"{layout.Geometry.Describe()}, groups {layout.Groups}";
    }

    public override void EmitCpu(Node node, CpuEmitContext context)
    {
        Layout layout = Compute(node, context.Shapes);
        SpatialGeometry g = layout.Geometry;
        var sizes = new ConvolutionSizes(layout.Input, layout.OutChannels, g.Output, g.Kernel, g.Strides, g.Dilations, g.PadBegin, layout.Groups);
        ConvolutionEmitter.Emit(node, context, "Convolution", "Conv", "Conv", sizes);
    }

    public override bool HasGpuKernels => true;

    /// <summary>
    /// Writes one implicit-GEMM kernel: per group, the weights (M/group × C/group·KH·KW) times the input unfolded on
    /// the fly, tiled in shared memory by <c>TiledGemm</c>. A 1-D convolution runs as 2-D with height 1. Several
    /// images per observation (N &gt; 1) and 3-D convolutions go through <see cref="ConvolutionGpuEmitter"/>, one
    /// product per image and group.
    /// </summary>
    public override void EmitGpu(Node node, GpuEmitContext context)
    {
        Layout layout = Compute(node, context.Shapes);
        SpatialGeometry g = layout.Geometry;
        if (layout.Input[0] != 1 || g.Kernel.Length == 3)
        {
            var sizes = new ConvolutionSizes(layout.Input, layout.OutChannels, g.Output, g.Kernel, g.Strides, g.Dilations, g.PadBegin, layout.Groups);
            ConvolutionGpuEmitter.Emit(node, context, sizes, transposed: false);
            return;
        }

        bool twoDimensional = g.Kernel.Length == 2;
        int Height(int[] values, int oneDimensional) => twoDimensional ? values[0] : oneDimensional;
        int Width(int[] values) => values[values.Length - 1];
        int[] spatial = layout.Input.Skip(2).ToArray();
        int groupIn = layout.Input[1] / layout.Groups;
        int groupOut = layout.OutChannels / layout.Groups;
        int outHeight = Height(g.Output, 1);
        int outWidth = Width(g.Output);
        int depth = groupIn * Height(g.Kernel, 1) * Width(g.Kernel);
        int columns = outHeight * outWidth;
        string gemm = $"{GpuEmitContext.Runtime}TiledGemm";
        string tiles = $"{gemm}.Tiles(batches: {layout.Groups}, m: {groupOut}, n: {columns})";
        SourceWriter writer = context.Writer;
        using (context.Kernel(node, "ImplicitGemm", tiles))
        {
            writer.Line($"var operands = new {GpuEmitContext.Runtime}Convolution2DOperands");
            writer.Line("{");
            writer.Line($"    X = {context.ReadInput(node, 0)},");
            writer.Line($"    Weights = {context.ReadInput(node, 1)},");
            writer.Line(node.OptionalInput(2) is null ? "    Bias = default," : $"    Bias = {context.ReadInput(node, 2)},");
            writer.Line($"    Y = {context.WriteOutput(node, 0)},");
            writer.Line($"    HasBias = {Literals.Bool(node.OptionalInput(2) is not null)},");
            writer.Line($"    GroupInChannels = {groupIn}, GroupOutChannels = {groupOut},");
            writer.Line($"    InHeight = {Height(spatial, 1)}, InWidth = {Width(spatial)}, OutHeight = {outHeight}, OutWidth = {outWidth},");
            writer.Line($"    KernelHeight = {Height(g.Kernel, 1)}, KernelWidth = {Width(g.Kernel)}, StrideHeight = {Height(g.Strides, 1)}, StrideWidth = {Width(g.Strides)},");
            writer.Line($"    DilationHeight = {Height(g.Dilations, 1)}, DilationWidth = {Width(g.Dilations)}, PadTop = {Height(g.PadBegin, 0)}, PadLeft = {Width(g.PadBegin)},");
            writer.Line("};");
            writer.Line($"{gemm}.Run(operands, batches: {layout.Groups}, m: {groupOut}, n: {columns}, k: {depth});");
        }
    }

    private static Layout Compute(Node node, ShapeContext context)
    {
        TensorInfo x = context.FloatInput(node, 0);
        TensorInfo w = context.FloatInput(node, 1);
        TensorInfo? b = context.OptionalInput(node, 2);
        if (x.Shape.Length < 3 || x.Shape.Length > 5)
        {
            throw context.Error(node, $"the input has shape {x.ShapeText}, but Kiln compiles 1-D, 2-D and 3-D convolutions (N×C×W, N×C×H×W or N×C×D×H×W) so far");
        }

        if (w.Shape.Length != x.Shape.Length)
        {
            throw context.Error(node, $"the weights have shape {w.ShapeText}, but a rank-{x.Shape.Length} input needs rank-{x.Shape.Length} weights (M×C/group×kernel)");
        }

        int groups = (int)node.GetInt(context, "group", 1);
        int outChannels = w.Shape[0];
        if (groups < 1 || x.Shape[1] % groups != 0 || outChannels % groups != 0 || w.Shape[1] != x.Shape[1] / groups)
        {
            throw context.Error(node, $"group {groups} does not fit input channels {x.Shape[1]}, weights {w.ShapeText}: both channel counts must divide by the group count, and weights need C/group = {(groups > 0 ? x.Shape[1] / groups : 0)} input channels");
        }

        if (b is not null && (b.Type != ElementType.Float || b.Shape.Length != 1 || b.Shape[0] != outChannels))
        {
            throw context.Error(node, $"the bias has shape {b.ShapeText}, but it must be a float vector of {outChannels} values");
        }

        int[] kernel = w.Shape.Skip(2).ToArray();
        long[]? kernelShape = node.GetInts(context, "kernel_shape");
        if (kernelShape is not null && !kernelShape.Select(k => (int)k).SequenceEqual(kernel))
        {
            throw context.Error(node, $"kernel_shape {string.Join("×", kernelShape)} does not match the weights' {string.Join("×", kernel)}");
        }

        SpatialGeometry geometry = SpatialGeometry.Compute(node, context, x.Shape.Skip(2).ToArray(), kernel, ceilMode: false);
        return new Layout(x.Shape, outChannels, groups, geometry);
    }

    private sealed class Layout
    {
        public Layout(int[] input, int outChannels, int groups, SpatialGeometry geometry)
        {
            Input = input;
            OutChannels = outChannels;
            Groups = groups;
            Geometry = geometry;
        }

        public int[] Input { get; }

        public int OutChannels { get; }

        public int Groups { get; }

        public SpatialGeometry Geometry { get; }
    }
}
