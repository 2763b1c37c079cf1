using System;
using System.Linq;
using Kiln.Compiler.Emit;
using Kiln.Compiler.Graph;

namespace Kiln.Compiler.Operators;

/// <summary>
/// ConvTranspose at opsets 1 to 17: 1-D, 2-D and 3-D transposed convolution with groups, strides, dilations,
/// output_padding, explicit or automatic padding, an explicit output_shape and an optional bias.
/// 1-D runs as 2-D with height 1.
/// </summary>
internal sealed class ConvTransposeOperator : Operator
{
    public ConvTransposeOperator()
        : base("ConvTranspose", 1, 17)
    {
    }

    public override void InferShapes(Node node, ShapeContext context)
    {
        Layout layout = Compute(node, context);
        int[] output = new[] { layout.Input[0], layout.OutChannels }.Concat(layout.Output).ToArray();
        context.SetOutput(node, 0, ElementType.Float, output);
    }

    public override string DescribeAttributes(Node node, ShapeContext context)
    {
        Layout layout = Compute(node, context);
        string Join(int[] values) => string.Join("×", values);
        return $"kernel {Join(layout.Kernel)}, strides {Join(layout.Strides)}, dilations {Join(layout.Dilations)}, " +
            $"pads {string.Join(",", layout.PadBegin)} (begin) {string.Join(",", layout.PadEnd)} (end), " +
            $"output padding {string.Join(",", layout.OutputPadding)}, groups {layout.Groups}";
    }

    public override void EmitCpu(Node node, CpuEmitContext context)
    {
        Layout layout = Compute(node, context.Shapes);
        var sizes = new ConvolutionSizes(layout.Input, layout.OutChannels, layout.Output, layout.Kernel, layout.Strides, layout.Dilations, layout.PadBegin, layout.Groups);
        ConvolutionEmitter.Emit(node, context, "TransposedConvolution", "ConvTranspose", "TransposedConv", sizes);
    }

    public override bool HasGpuKernels => true;

    /// <summary>Writes one implicit-GEMM kernel in gather form, one product per image and group (see <see cref="ConvolutionGpuEmitter"/>).</summary>
    public override void EmitGpu(Node node, GpuEmitContext context)
    {
        Layout layout = Compute(node, context.Shapes);
        var sizes = new ConvolutionSizes(layout.Input, layout.OutChannels, layout.Output, layout.Kernel, layout.Strides, layout.Dilations, layout.PadBegin, layout.Groups);
        ConvolutionGpuEmitter.Emit(node, context, sizes, transposed: true);
    }

    private static Layout Compute(Node node, ShapeContext context)
    {
        TensorInfo x = context.FloatInput(node, 0);
        TensorInfo w = context.FloatInput(node, 1);
        TensorInfo? b = context.OptionalInput(node, 2);
        if (x.Shape.Length < 3 || x.Shape.Length > 5)
        {
            throw context.Error(node, $"the input has shape {x.ShapeText}, but Kiln compiles 1-D, 2-D and 3-D transposed convolutions (N×C×W, N×C×H×W or N×C×D×H×W) so far");
        }

        if (w.Shape.Length != x.Shape.Length)
        {
            throw context.Error(node, $"the weights have shape {w.ShapeText}, but a rank-{x.Shape.Length} input needs rank-{x.Shape.Length} weights (C×M/group×kernel)");
        }

        int groups = (int)node.GetInt(context, "group", 1);
        if (groups < 1 || x.Shape[1] % groups != 0 || w.Shape[0] != x.Shape[1])
        {
            throw context.Error(node, $"group {groups} does not fit input channels {x.Shape[1]}, weights {w.ShapeText}: the input channels must divide by the group count, and the weights' first axis must equal them");
        }

        int outChannels = w.Shape[1] * groups;
        if (b is not null && (b.Type != ElementType.Float || b.Shape.Length != 1 || b.Shape[0] != outChannels))
        {
            throw context.Error(node, $"the bias has shape {b.ShapeText}, but it must be a float vector of {outChannels} values");
        }

        int rank = x.Shape.Length - 2;
        int[] input = x.Shape.Skip(2).ToArray();
        int[] kernel = w.Shape.Skip(2).ToArray();
        long[]? kernelShape = node.GetInts(context, "kernel_shape");
        if (kernelShape is not null && !kernelShape.Select(k => (int)k).SequenceEqual(kernel))
        {
            throw context.Error(node, $"kernel_shape {string.Join("×", kernelShape)} does not match the weights' {string.Join("×", kernel)}");
        }

        int[] strides = SpatialGeometry.Ints(node, context, "strides", rank, 1);
        int[] dilations = SpatialGeometry.Ints(node, context, "dilations", rank, 1);
        int[] outputPadding = SpatialGeometry.Ints(node, context, "output_padding", rank, 0);
        if (strides.Any(s => s < 1) || dilations.Any(d => d < 1) || kernel.Any(k => k < 1))
        {
            throw context.Error(node, "kernel_shape, strides and dilations must all be positive");
        }

        if (outputPadding.Any(p => p < 0))
        {
            throw context.Error(node, $"output_padding {string.Join(",", outputPadding)} must not be negative");
        }

        string autoPad = node.GetString(context, "auto_pad", "NOTSET");
        if (autoPad != "NOTSET" && autoPad != "VALID" && autoPad != "SAME_UPPER" && autoPad != "SAME_LOWER")
        {
            throw context.Error(node, $"auto_pad '{autoPad}' is not one of NOTSET, VALID, SAME_UPPER, SAME_LOWER");
        }

        int[]? requestedOutput = OutputShape(node, context, rank);
        int[] pads = SpatialGeometry.Ints(node, context, "pads", 2 * rank, 0);
        if (pads.Any(p => p < 0))
        {
            throw context.Error(node, $"pads {string.Join(",", pads)} must not be negative");
        }

        var padBegin = new int[rank];
        var padEnd = new int[rank];
        var output = new int[rank];
        for (int axis = 0; axis < rank; axis++)
        {
            int full = (strides[axis] * (input[axis] - 1)) + outputPadding[axis] + ((kernel[axis] - 1) * dilations[axis]) + 1;
            int? target = requestedOutput?[axis];
            if (target is null && (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER"))
            {
                target = input[axis] * strides[axis];
            }

            if (target is int size)
            {
                // ONNX derives the padding from the requested size. A negative total (output_shape larger than the
                // full result) adds outputs that hold only the bias. Floor division puts an odd one at the end,
                // where ONNX's test_convtranspose_output_shape expects it.
                int total = full - size;
                int half = FloorDivide(total, 2);
                padBegin[axis] = autoPad == "SAME_UPPER" ? half : total - half;
                padEnd[axis] = total - padBegin[axis];
                output[axis] = size;
            }
            else
            {
                if (autoPad == "NOTSET")
                {
                    padBegin[axis] = pads[axis];
                    padEnd[axis] = pads[axis + rank];
                }

                output[axis] = full - padBegin[axis] - padEnd[axis];
            }

            if (output[axis] < 1)
            {
                throw context.Error(node, $"the output would have {output[axis]} elements along spatial axis {axis}: the pads ({padBegin[axis]} + {padEnd[axis]}) remove the whole result of size {full}");
            }
        }

        return new Layout(x.Shape, outChannels, groups, kernel, strides, dilations, padBegin, padEnd, outputPadding, output);
    }

    /// <summary>Returns output_shape's spatial sizes, or null when it is absent. The attribute may also list N and C first.</summary>
    private static int[]? OutputShape(Node node, ShapeContext context, int rank)
    {
        long[]? values = node.GetInts(context, "output_shape");
        if (values is null || values.Length == 0)
        {
            return null;
        }

        if (values.Length == rank + 2)
        {
            values = values.Skip(2).ToArray();
        }

        if (values.Length != rank || values.Any(v => v < 1 || v > int.MaxValue))
        {
            throw context.Error(node, $"output_shape {string.Join("×", values)} must list {rank} positive spatial sizes");
        }

        return values.Select(v => (int)v).ToArray();
    }

    private static int FloorDivide(int numerator, int denominator) =>
        (int)Math.Floor((double)numerator / denominator);

    private sealed class Layout
    {
        public Layout(int[] input, int outChannels, int groups, int[] kernel, int[] strides, int[] dilations, int[] padBegin, int[] padEnd, int[] outputPadding, int[] output)
        {
            Input = input;
            OutChannels = outChannels;
            Groups = groups;
            Kernel = kernel;
            Strides = strides;
            Dilations = dilations;
            PadBegin = padBegin;
            PadEnd = padEnd;
            OutputPadding = outputPadding;
            Output = output;
        }

        public int[] Input { get; }

        public int OutChannels { get; }

        public int Groups { get; }

        public int[] Kernel { get; }

        public int[] Strides { get; }

        public int[] Dilations { get; }

        public int[] PadBegin { get; }

        public int[] PadEnd { get; }

        public int[] OutputPadding { get; }

        public int[] Output { get; }
    }
}
