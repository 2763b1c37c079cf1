using System;
using System.Linq;
using Kiln.Compiler.Graph;

namespace Kiln.Compiler.Operators;

/// <summary>
/// Slice (opsets 1–17): starts, ends and axes are attributes before opset 10; from opset 10 they are inputs, with
/// optional axes and steps. Negative starts and ends count from the end of the axis, and out-of-range values are
/// clamped as the ONNX specification requires, so a slice can be empty.
/// </summary>
internal sealed class SliceOperator : StridedCopyOperator
{
    public SliceOperator()
        : base("Slice", 1, 17)
    {
    }

    public override void InferShapes(Node node, ShapeContext context)
    {
        TensorInfo x = context.NumericInput(node, 0);
        context.SetOutput(node, 0, x.Type, Compute(node, context, x.Shape).Shape);
    }

    public override string DescribeAttributes(Node node, ShapeContext context)
    {
        Window window = Compute(node, context, context.Input(node, 0).Shape);
        return $"starts {StridedCopyEmitter.Join(window.Starts)}, steps {StridedCopyEmitter.Join(window.Steps)}";
    }

    /// <summary>The output shape, the input strides of its axes (negative for negative steps) and the first element read.</summary>
    protected override (int[] Shape, int[] Strides, int Offset) Copy(Node node, ShapeContext context)
    {
        int[] input = context.Input(node, 0).Shape;
        Window window = Compute(node, context, input);
        int[] inputStrides = StridedCopyEmitter.RowMajorStrides(input);
        int[] strides = inputStrides.Select((stride, axis) => stride * window.Steps[axis]).ToArray();
        int offset = window.Shape.Contains(0) ? 0 : inputStrides.Select((stride, axis) => stride * window.Starts[axis]).Sum();
        return (window.Shape, strides, offset);
    }

    /// <summary>Per input axis: the first index read, the step between indices and the number of indices.</summary>
    private sealed class Window
    {
        public Window(int rank)
        {
            Starts = new int[rank];
            Steps = Enumerable.Repeat(1, rank).ToArray();
            Shape = new int[rank];
        }

        public int[] Starts { get; }

        public int[] Steps { get; }

        public int[] Shape { get; }
    }

    private static Window Compute(Node node, ShapeContext context, int[] input)
    {
        int rank = input.Length;
        long[] starts;
        long[] ends;
        long[]? axes;
        long[]? steps = null;
        if (context.Opset < 10)
        {
            starts = node.GetInts(context, "starts") ?? throw context.Error(node, "the required attribute starts is missing");
            ends = node.GetInts(context, "ends") ?? throw context.Error(node, "the required attribute ends is missing");
            axes = node.GetInts(context, "axes");
        }
        else
        {
            starts = context.ConstantIntegers(node, 1, "starts");
            ends = context.ConstantIntegers(node, 2, "ends");
            axes = node.OptionalInput(3) is null ? null : context.ConstantIntegers(node, 3, "axes");
            steps = node.OptionalInput(4) is null ? null : context.ConstantIntegers(node, 4, "steps");
        }

        axes ??= Enumerable.Range(0, starts.Length).Select(axis => (long)axis).ToArray();
        if (ends.Length != starts.Length || axes.Length != starts.Length || (steps is not null && steps.Length != starts.Length))
        {
            throw context.Error(node, $"starts, ends, axes and steps must have the same length, but starts has {starts.Length}, ends {ends.Length}, " +
                $"axes {axes.Length} and steps {steps?.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(absent)"}");
        }

        var window = new Window(rank);
        input.CopyTo(window.Shape, 0);
        var seen = new bool[rank];
        for (int i = 0; i < starts.Length; i++)
        {
            int axis = StridedCopyEmitter.NormalizeAxis(node, context, axes[i], rank, "axis");
            if (seen[axis])
            {
                throw context.Error(node, $"axis {axes[i]} appears more than once in axes");
            }

            seen[axis] = true;
            long step = steps?[i] ?? 1;
            if (step == 0 || step < int.MinValue || step > int.MaxValue)
            {
                throw context.Error(node, $"step {step} on axis {axes[i]} is invalid: steps must be nonzero and fit in 32 bits");
            }

            (long start, long count) = Clamp(starts[i], ends[i], step, input[axis]);
            window.Starts[axis] = (int)start;
            window.Steps[axis] = (int)step;
            window.Shape[axis] = (int)count;
        }

        return window;
    }

    /// <summary>The clamped first index and the element count of one axis of length <paramref name="dim"/>.</summary>
    private static (long Start, long Count) Clamp(long start, long end, long step, int dim)
    {
        // Negative indices count from the end; ends such as INT64_MAX only need clamping, so overflow is avoided by
        // adding dim to negative values only.
        if (start < 0)
        {
            start += dim;
        }

        if (end < 0)
        {
            end += dim;
        }

        if (step > 0)
        {
            start = Math.Max(0, Math.Min(start, dim));
            end = Math.Max(0, Math.Min(end, dim));
            long count = end > start ? (end - start + step - 1) / step : 0;
            return (count == 0 ? 0 : start, count);
        }
        else
        {
            start = Math.Max(-1, Math.Min(start, dim - 1));
            end = Math.Max(-1, Math.Min(end, dim - 1));
            long count = start > end ? (start - end + (-step) - 1) / (-step) : 0;
            return (count == 0 ? 0 : start, count);
        }
    }
}
