using System.Collections.Generic;
using System.Linq;
using Kiln.Compiler.Graph;

namespace Kiln.Compiler.Operators;

/// <summary>Concat (opsets 4–17; negative axes from 11): block copies into the output.</summary>
internal sealed class ConcatOperator : Operator
{
    public ConcatOperator()
        : base("Concat", 4, 17)
    {
    }

    public override void InferShapes(Node node, ShapeContext context)
    {
        TensorInfo first = context.NumericInput(node, 0);
        int axis = NormalizeAxis(node, context, first.Shape.Length);
        int[] shape = (int[])first.Shape.Clone();
        for (int i = 1; i < node.Inputs.Count; i++)
        {
            TensorInfo next = context.NumericInput(node, i);
            bool fits = next.Shape.Length == shape.Length && next.Shape.Where((d, a) => a != axis && d != shape[a]).Count() == 0;
            if (!fits)
            {
                throw context.Error(node, $"input {i} has shape {next.ShapeText}, which does not match {first.ShapeText} outside axis {axis}");
            }

            shape[axis] += next.Shape[axis];
        }

        context.SetOutput(node, 0, first.Type, shape);
    }

    public override string DescribeAttributes(Node node, ShapeContext context) => $"axis {node.GetInt(context, "axis", 0)}";

    public override void EmitCpu(Node node, CpuEmitContext context)
    {
        int[] output = context.Shapes.Tensor(node.Outputs[0]).Shape;
        int axis = NormalizeAxis(node, context.Shapes, output.Length);
        (int outer, int inner) = StridedCopyEmitter.AroundAxis(output, axis);
        int outputBlock = output[axis] * inner;
        int offset = 0;
        for (int i = 0; i < node.Inputs.Count; i++)
        {
            int block = context.Shapes.Input(node, i).Shape[axis] * inner;
            context.Writer.Line($"{CpuEmitContext.Kernels}DataMovement.CopyBlocks({context.ReadInput(node, i)}, {context.WriteOutput(node, 0, offset)}, " +
                $"count: {outer}, blockLength: {block}, sourceStride: {block}, destinationStride: {outputBlock});");
            offset += block;
        }
    }

    public override bool HasGpuKernels => true;

    /// <summary>One kernel per input, each thread copying one element into its place in the output's blocks.</summary>
    public override void EmitGpu(Node node, GpuEmitContext context)
    {
        int[] output = context.Shapes.Tensor(node.Outputs[0]).Shape;
        int axis = NormalizeAxis(node, context.Shapes, output.Length);
        (int outer, int inner) = StridedCopyEmitter.AroundAxis(output, axis);
        int outputBlock = output[axis] * inner;
        int offset = 0;
        for (int i = 0; i < node.Inputs.Count; i++)
        {
            int block = context.Shapes.Input(node, i).Shape[axis] * inner;
            if (outer * block > 0)
            {
                string target = GpuBlockCopy.Index("i", block, outputBlock, offset);
                var views = new[] { ("x", context.ReadInput(node, i)), ("y", context.WriteOutput(node, 0)) };
                context.ElementwiseKernel(node, $"CopyInput{i}", outer * block, views, () => context.Writer.Line($"y[{target}] = x[i];"));
            }

            offset += block;
        }
    }

    internal static int NormalizeAxis(Node node, ShapeContext context, int rank)
    {
        if (!node.Has("axis"))
        {
            throw context.Error(node, "the required attribute axis is missing");
        }

        long axis = node.GetInt(context, "axis", 0);
        if (axis < -rank || axis >= rank)
        {
            throw context.Error(node, $"axis {axis} is outside [-{rank}, {rank - 1}]");
        }

        return (int)(axis < 0 ? axis + rank : axis);
    }
}

/// <summary>Split (opsets 2–17): sizes from the <c>split</c> attribute before opset 13, from the second input after, else equal parts.</summary>
internal sealed class SplitOperator : Operator
{
    public SplitOperator()
        : base("Split", 2, 17)
    {
    }

    public override void InferShapes(Node node, ShapeContext context)
    {
        TensorInfo x = context.NumericInput(node, 0);
        (int axis, int[] sizes) = Compute(node, context, x.Shape);
        for (int i = 0; i < sizes.Length; i++)
        {
            int[] shape = (int[])x.Shape.Clone();
            shape[axis] = sizes[i];
            context.SetOutput(node, i, x.Type, shape);
        }
    }

    public override string DescribeAttributes(Node node, ShapeContext context)
    {
        (int axis, int[] sizes) = Compute(node, context, context.Input(node, 0).Shape);
        return $"axis {axis}, sizes {string.Join(", ", sizes)}";
    }

    public override void EmitCpu(Node node, CpuEmitContext context)
    {
        int[] input = context.Shapes.Input(node, 0).Shape;
        (int axis, int[] sizes) = Compute(node, context.Shapes, input);
        (int outer, int inner) = StridedCopyEmitter.AroundAxis(input, axis);
        int inputBlock = input[axis] * inner;
        int offset = 0;
        for (int i = 0; i < sizes.Length; i++)
        {
            int block = sizes[i] * inner;
            if (node.Outputs[i].Length > 0)
            {
                context.Writer.Line($"{CpuEmitContext.Kernels}DataMovement.CopyBlocks({context.ReadInput(node, 0, offset)}, {context.WriteOutput(node, i)}, " +
                    $"count: {outer}, blockLength: {block}, sourceStride: {inputBlock}, destinationStride: {block});");
            }

            offset += block;
        }
    }

    public override bool HasGpuKernels => true;

    /// <summary>One kernel per output, each thread copying one element out of its place in the input's blocks.</summary>
    public override void EmitGpu(Node node, GpuEmitContext context)
    {
        int[] input = context.Shapes.Input(node, 0).Shape;
        (int axis, int[] sizes) = Compute(node, context.Shapes, input);
        (int outer, int inner) = StridedCopyEmitter.AroundAxis(input, axis);
        int inputBlock = input[axis] * inner;
        int offset = 0;
        for (int i = 0; i < sizes.Length; i++)
        {
            int block = sizes[i] * inner;
            if (node.Outputs[i].Length > 0 && outer * block > 0)
            {
                string source = GpuBlockCopy.Index("i", block, inputBlock, offset);
                var views = new[] { ("x", context.ReadInput(node, 0)), ("y", context.WriteOutput(node, i)) };
                context.ElementwiseKernel(node, $"CopyOutput{i}", outer * block, views, () => context.Writer.Line($"y[i] = x[{source}];"));
            }

            offset += block;
        }
    }

    private static (int Axis, int[] Sizes) Compute(Node node, ShapeContext context, int[] shape)
    {
        int rank = shape.Length;
        long axisValue = node.GetInt(context, "axis", 0);
        if (axisValue < -rank || axisValue >= rank)
        {
            throw context.Error(node, $"axis {axisValue} is outside [-{rank}, {rank - 1}]");
        }

        int axis = (int)(axisValue < 0 ? axisValue + rank : axisValue);
        long[]? sizes = context.Opset < 13 ? node.GetInts(context, "split") : (node.OptionalInput(1) is null ? null : context.ConstantIntegers(node, 1, "split sizes"));
        int outputs = node.Outputs.Count;
        if (sizes is null || sizes.Length == 0)
        {
            if (shape[axis] % outputs != 0)
            {
                throw context.Error(node, $"axis {axis} has {shape[axis]} elements, which do not split into {outputs} equal parts, so give the split sizes");
            }

            return (axis, Enumerable.Repeat(shape[axis] / outputs, outputs).ToArray());
        }

        if (sizes.Length != outputs || sizes.Any(s => s < 0) || sizes.Sum() != shape[axis])
        {
            throw context.Error(node, $"split sizes {string.Join(", ", sizes)} must be {outputs} non-negative numbers that add up to {shape[axis]}");
        }

        return (axis, sizes.Select(s => (int)s).ToArray());
    }
}
