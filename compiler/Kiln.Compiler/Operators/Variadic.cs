using System.Collections.Generic;
using System.Linq;
using Kiln.Compiler.Emit;
using Kiln.Compiler.Graph;

namespace Kiln.Compiler.Operators;

/// <summary>
/// Min, Max, Sum and Mean over any number of inputs. From opset 8 the inputs broadcast multidirectionally, and
/// before opset 8 they must all have the same shape. The emitted code combines the first two inputs into the output, then
/// each further input into the output in place; Mean divides the sum by the input count at the end.
/// </summary>
internal sealed class VariadicOperator : Operator
{
    /// <summary>Largest output rank that needs broadcasting, the runtime's <c>Elementwise.MaxRank</c>.</summary>
    public const int MaxBroadcastRank = 8;

    private readonly string _kernelOperator;
    private readonly bool _mean;

    private VariadicOperator(string opType, string kernelOperator, bool mean)
        : base(opType, 6, 17)
    {
        _kernelOperator = kernelOperator;
        _mean = mean;
    }

    public static VariadicOperator Min() => new VariadicOperator("Min", "MinimumOperator", mean: false);

    public static VariadicOperator Max() => new VariadicOperator("Max", "MaximumOperator", mean: false);

    public static VariadicOperator Sum() => new VariadicOperator("Sum", "AddOperator", mean: false);

    public static VariadicOperator Mean() => new VariadicOperator("Mean", "AddOperator", mean: true);

    public override void InferShapes(Node node, ShapeContext context)
    {
        if (node.Inputs.Count == 0)
        {
            throw context.Error(node, $"{OpType} needs at least one input, but the node has none");
        }

        TensorInfo first = context.NumericInput(node, 0);
        int[] shape = first.Shape;
        for (int position = 1; position < node.Inputs.Count; position++)
        {
            TensorInfo input = context.NumericInput(node, position);
            if (context.Opset < 8 && !input.Shape.SequenceEqual(first.Shape))
            {
                throw context.Error(node, $"input {position} has the shape {input.ShapeText} and input 0 has {first.ShapeText}, but before opset 8 all inputs must have the same shape");
            }

            shape = Broadcasting.Shape(shape, input.Shape)
                ?? throw context.Error(node, $"input {position} ('{input.Name}') has the shape {input.ShapeText}, which does not broadcast with the shape {Text(shape)} of the inputs before it");
        }

        if (shape.Length > MaxBroadcastRank && Enumerable.Range(0, node.Inputs.Count).Any(i => !context.Input(node, i).Shape.SequenceEqual(shape)))
        {
            throw context.Error(node, $"the output has rank {shape.Length}, but Kiln broadcasts tensors of rank {MaxBroadcastRank} at most");
        }

        context.SetOutput(node, 0, first.Type, shape);
    }

    public override void EmitCpu(Node node, CpuEmitContext context)
    {
        int count = node.Inputs.Count;
        string y = context.WriteOutput(node, 0);
        if (count == 1)
        {
            context.Writer.Line($"{context.ReadInput(node, 0)}.CopyTo({y});");
            return;
        }

        int[] shape = context.Shapes.Tensor(node.Outputs[0]).Shape;
        string kernel = $"{CpuEmitContext.Kernels}Elementwise";
        string op = $"{CpuEmitContext.Kernels}{_kernelOperator}";
        int[] a = context.Shapes.Input(node, 0).Shape;
        int[] b = context.Shapes.Input(node, 1).Shape;
        if (count > 2)
        {
            string rest = count == 3 ? "input 2" : $"inputs 2 to {count - 1}, one at a time";
            context.Writer.Comment($"Combine inputs 0 and 1 into the output, then combine the output with {rest}.");
        }

        if (a.SequenceEqual(shape) && b.SequenceEqual(shape))
        {
            context.Writer.Line($"{kernel}.Binary<{op}>({context.ReadInput(node, 0)}, {context.ReadInput(node, 1)}, {y});");
        }
        else
        {
            WriteBroadcast(context, kernel, op, context.ReadInput(node, 0), a, context.ReadInput(node, 1), b, y, shape);
        }

        // Elementwise.Binary allows y to be an input. BroadcastBinary reads each element of an input that is laid
        // out like y before it writes that element, so y may be its first input too. A runtime test checks this.
        for (int position = 2; position < count; position++)
        {
            int[] next = context.Shapes.Input(node, position).Shape;
            if (next.SequenceEqual(shape))
            {
                context.Writer.Line($"{kernel}.Binary<{op}>({y}, {context.ReadInput(node, position)}, {y});");
            }
            else
            {
                WriteBroadcast(context, kernel, op, y, shape, context.ReadInput(node, position), next, y, shape);
            }
        }

        if (_mean)
        {
            context.Writer.Comment($"Divide the sum by the {count} inputs.");
            context.Writer.Line($"{CpuEmitContext.Kernels}ScalarArithmetic.Divide({y}, {Literals.Float(count)}, {y});");
        }
    }

    /// <summary>
    /// Min, Max, Sum and Mean have one GPU kernel over all inputs: each thread combines its element of every input,
    /// broadcast by literal strides, in the CPU path's order (inputs 0 and 1 first) with the same operator struct.
    /// </summary>
    public override bool HasGpuKernels => true;

    public override void EmitGpu(Node node, GpuEmitContext context)
    {
        int count = node.Inputs.Count;
        int[] shape = context.Shapes.Tensor(node.Outputs[0]).Shape;
        string op = $"{CpuEmitContext.Kernels}{_kernelOperator}.Apply";
        var views = new List<(string Local, string View)>();
        var inputs = new List<(int[] Shape, string Index)>();
        for (int position = 0; position < count; position++)
        {
            views.Add(($"x{position}", context.ReadInput(node, position)));
            inputs.Add((context.Shapes.Input(node, position).Shape, $"index{position}"));
        }

        views.Add(("y", context.WriteOutput(node, 0)));
        context.ElementwiseKernelUnlessEmpty(node, OpType, shape.Aggregate(1, (p, d) => p * d), views, () =>
        {
            string[] indices = GpuBroadcasting.WriteIndices(context.Writer, shape, inputs);
            if (count == 1)
            {
                context.Writer.Line($"y[i] = x0[{indices[0]}];");
                return;
            }

            context.Writer.Line($"float value = {op}(x0[{indices[0]}], x1[{indices[1]}]);");
            for (int position = 2; position < count; position++)
            {
                context.Writer.Line($"value = {op}(value, x{position}[{indices[position]}]);");
            }

            context.Writer.Line(_mean ? $"y[i] = value / {Literals.Float(count)};" : "y[i] = value;");
        });
    }

    private static void WriteBroadcast(CpuEmitContext context, string kernel, string op, string a, int[] aShape, string b, int[] bShape, string y, int[] shape)
    {
        context.Writer.Line($"{kernel}.BroadcastBinary<{op}>(");
        context.Writer.Line($"    {a}, aStrides: {Literals.IntArray(Broadcasting.Strides(aShape, shape))},");
        context.Writer.Line($"    {b}, bStrides: {Literals.IntArray(Broadcasting.Strides(bShape, shape))},");
        context.Writer.Line($"    {y}, shape: {Literals.IntArray(shape)});");
    }

    private static string Text(IReadOnlyCollection<int> shape) => shape.Count == 0 ? "scalar" : string.Join("×", shape);
}
