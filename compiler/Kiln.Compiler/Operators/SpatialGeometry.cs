using System;
using System.Linq;
using Kiln.Compiler.Graph;

namespace Kiln.Compiler.Operators;

/// <summary>
/// Output sizes and padding of convolution and pooling windows along each spatial axis, following ONNX's
/// <c>auto_pad</c>, <c>pads</c> (all begins, then all ends), <c>strides</c>, <c>dilations</c> and <c>ceil_mode</c>.
/// </summary>
internal sealed class SpatialGeometry
{
    private SpatialGeometry(int[] kernel, int[] strides, int[] dilations, int[] padBegin, int[] padEnd, int[] output)
    {
        Kernel = kernel;
        Strides = strides;
        Dilations = dilations;
        PadBegin = padBegin;
        PadEnd = padEnd;
        Output = output;
    }

    public int[] Kernel { get; }

    public int[] Strides { get; }

    public int[] Dilations { get; }

    public int[] PadBegin { get; }

    public int[] PadEnd { get; }

    public int[] Output { get; }

    public static SpatialGeometry Compute(Node node, ShapeContext context, int[] input, int[] kernel, bool ceilMode)
    {
        int rank = input.Length;
        int[] strides = Ints(node, context, "strides", rank, 1);
        int[] dilations = Ints(node, context, "dilations", rank, 1);
        string autoPad = node.GetString(context, "auto_pad", "NOTSET");

        if (kernel.Length != rank)
        {
            throw context.Error(node, $"kernel_shape has {kernel.Length} values, but the input has {rank} spatial axes");
        }

        if (kernel.Any(k => k < 1) || strides.Any(s => s < 1) || dilations.Any(d => d < 1))
        {
            throw context.Error(node, "kernel_shape, strides and dilations must all be positive");
        }

        var padBegin = new int[rank];
        var padEnd = new int[rank];
        var output = new int[rank];
        for (int axis = 0; axis < rank; axis++)
        {
            int window = ((kernel[axis] - 1) * dilations[axis]) + 1;
            switch (autoPad)
            {
                case "NOTSET":
                    int[] pads = Ints(node, context, "pads", 2 * rank, 0);
                    if (pads.Any(p => p < 0))
                    {
                        throw context.Error(node, "pads must not be negative");
                    }

                    padBegin[axis] = pads[axis];
                    padEnd[axis] = pads[axis + rank];
                    int span = input[axis] + padBegin[axis] + padEnd[axis] - window;
                    if (span < 0)
                    {
                        throw context.Error(node, $"the window ({window}) is larger than the padded input ({input[axis] + padBegin[axis] + padEnd[axis]}) along spatial axis {axis}");
                    }

                    output[axis] = (ceilMode ? (span + strides[axis] - 1) / strides[axis] : span / strides[axis]) + 1;

                    // With ceil_mode, a last window that would start past the input and its begin padding is dropped.
                    if (ceilMode && (output[axis] - 1) * strides[axis] >= input[axis] + padBegin[axis])
                    {
                        output[axis]--;
                    }

                    break;
                case "VALID":
                    if (input[axis] < window)
                    {
                        throw context.Error(node, $"the window ({window}) is larger than the input ({input[axis]}) along spatial axis {axis}");
                    }

                    output[axis] = ((input[axis] - window) / strides[axis]) + 1;
                    break;
                case "SAME_UPPER":
                case "SAME_LOWER":
                    output[axis] = (input[axis] + strides[axis] - 1) / strides[axis];
                    int total = Math.Max(0, ((output[axis] - 1) * strides[axis]) + window - input[axis]);
                    int smaller = total / 2;
                    padBegin[axis] = autoPad == "SAME_UPPER" ? smaller : total - smaller;
                    padEnd[axis] = total - padBegin[axis];
                    break;
                default:
                    throw context.Error(node, $"auto_pad '{autoPad}' is not one of NOTSET, VALID, SAME_UPPER, SAME_LOWER");
            }
        }

        return new SpatialGeometry(kernel, strides, dilations, padBegin, padEnd, output);
    }

    /// <summary>The attribute's values, or <paramref name="fill"/> repeated when it is absent; a wrong count is an error.</summary>
    public static int[] Ints(Node node, ShapeContext context, string name, int count, int fill)
    {
        long[]? values = node.GetInts(context, name);
        if (values is null || values.Length == 0)
        {
            return Enumerable.Repeat(fill, count).ToArray();
        }

        if (values.Length != count)
        {
            throw context.Error(node, $"attribute '{name}' has {values.Length} values, but {count} are expected");
        }

        return values.Select(v => checked((int)v)).ToArray();
    }

    public string Describe()
    {
        string Join(int[] values) => string.Join("×", values);
        return $"kernel {Join(Kernel)}, strides {Join(Strides)}, dilations {Join(Dilations)}, pads {string.Join(",", PadBegin)} (begin) {string.Join(",", PadEnd)} (end)";
    }
}
