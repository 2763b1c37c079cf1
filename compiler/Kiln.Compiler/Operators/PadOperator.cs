using System.Collections.Generic;
using System.Linq;
using Kiln.Compiler.Emit;
using Kiln.Compiler.Graph;

namespace Kiln.Compiler.Operators;

/// <summary>
/// Pad (opsets 2–17) in constant, reflect and edge modes. Before opset 11 the pads and the constant value are the
/// attributes <c>pads</c> and <c>value</c>; from opset 11 they are inputs, the pads a build-time constant and the
/// optional constant value a run-time scalar. Negative pads crop.
/// </summary>
internal sealed class PadOperator : Operator
{
    public PadOperator()
        : base("Pad", 2, 17)
    {
    }

    public override void InferShapes(Node node, ShapeContext context)
    {
        TensorInfo x = context.NumericInput(node, 0);
        if (context.Opset >= 11 && node.OptionalInput(2) is not null)
        {
            TensorInfo value = context.NumericInput(node, 2);
            if (value.ElementCount != 1)
            {
                throw context.Error(node, $"the constant value has shape {value.ShapeText}, but it must be a scalar or hold one element");
            }
        }

        Mode(node, context);
        context.SetOutput(node, 0, x.Type, OutputShape(node, context, x.Shape, Pads(node, context, x.Shape.Length)));
    }

    public override string DescribeAttributes(Node node, ShapeContext context)
    {
        int[] pads = Pads(node, context, context.Input(node, 0).Shape.Length);
        return $"mode {node.GetString(context, "mode", "constant")}, pads {StridedCopyEmitter.Join(pads)}";
    }

    public override void EmitCpu(Node node, CpuEmitContext context)
    {
        int[] input = context.Shapes.Input(node, 0).Shape;
        int[] output = context.Shapes.Tensor(node.Outputs[0]).Shape;
        int[] pads = Pads(node, context.Shapes, input.Length);
        string value;
        if (context.Shapes.Opset < 11)
        {
            value = Literals.Float(node.GetFloat(context.Shapes, "value", 0));
        }
        else
        {
            value = node.OptionalInput(2) is null ? "0f" : $"{context.ReadInput(node, 2)}[0]";
        }

        context.Writer.Line($"{CpuEmitContext.Kernels}Padding.Pad({context.ReadInput(node, 0)}, {context.WriteOutput(node, 0)},");
        context.Writer.Line($"    sourceShape: {Literals.IntArray(input)}, destinationShape: {Literals.IntArray(output)},");
        string mode = Mode(node, context.Shapes);
        string valueArgument = mode == "Constant" ? $", value: {value}" : string.Empty;
        context.Writer.Line($"    padsBegin: {Literals.IntArray(pads.Take(input.Length))}, {CpuEmitContext.Kernels}PadMode.{mode}{valueArgument});");
    }

    public override bool HasGpuKernels => true;

    /// <summary>
    /// One thread per output element: per padded axis, the source coordinate is the output coordinate less the begin
    /// pad, then replaced by the constant value, clamped (edge) or mirrored (reflect) where it falls outside the input.
    /// </summary>
    public override void EmitGpu(Node node, GpuEmitContext context)
    {
        int[] input = context.Shapes.Input(node, 0).Shape;
        int[] output = context.Shapes.Tensor(node.Outputs[0]).Shape;
        int[] pads = Pads(node, context.Shapes, input.Length);
        string mode = Mode(node, context.Shapes);
        int count = output.Aggregate(1, (product, dim) => product * dim);
        if (count == 0)
        {
            return;
        }

        bool emptyInput = input.Contains(0);
        if (emptyInput && mode != "Constant")
        {
            throw context.Unsupported(node, $"{mode.ToLowerInvariant()} padding reads input elements, but the input {string.Join("×", input)} is empty. Only constant padding accepts an empty input");
        }

        var views = new List<(string, string)> { ("x", context.ReadInput(node, 0)), ("y", context.WriteOutput(node, 0)) };
        string value = "0f";
        if (context.Shapes.Opset < 11)
        {
            value = Literals.Float(node.GetFloat(context.Shapes, "value", 0));
        }
        else if (node.OptionalInput(2) is not null)
        {
            views.Add(("constant", context.ReadInput(node, 2)));
            value = "constant[0]";
        }

        context.ElementwiseKernel(node, "Pad", count, views, () => WriteGpuBody(context.Writer, input, output, pads, mode, value, emptyInput));
    }

    private static void WriteGpuBody(SourceWriter writer, int[] input, int[] output, int[] pads, string mode, string value, bool emptyInput)
    {
        if (emptyInput)
        {
            writer.Line($"y[i] = {value};");
            return;
        }

        int rank = input.Length;
        int[] strides = StridedCopyEmitter.RowMajorStrides(input);
        var inside = new List<string>();
        var terms = new List<string>();
        for (int axis = 0; axis < rank; axis++)
        {
            string coordinate = GpuStridedCopy.Coordinate("i", output, axis);
            int begin = pads[axis];
            int length = input[axis];
            bool underflows = begin > 0;
            bool overflows = output[axis] - begin > length;
            string source = $"s{axis}";
            string shift = begin > 0 ? $" - {Literals.Int(begin)}" : $" + {Literals.Int(-begin)}";
            writer.Line(begin == 0 ? $"int {source} = {coordinate};" : $"int {source} = ({coordinate}){shift};");
            if (mode == "Edge" && (underflows || overflows))
            {
                writer.Line($"{source} = {source} < 0 ? 0 : {source} > {Literals.Int(length - 1)} ? {Literals.Int(length - 1)} : {source};");
            }
            else if (mode == "Reflect" && (underflows || overflows))
            {
                // Mirror about the first and last elements: reduce into one period of 2·(length − 1), then fold its second half back.
                int period = 2 * (length - 1);
                if (period == 0)
                {
                    writer.Line($"{source} = 0;");
                }
                else
                {
                    writer.Line($"{source} %= {Literals.Int(period)};");
                    writer.Line($"{source} = {source} < 0 ? {source} + {Literals.Int(period)} : {source};");
                    writer.Line($"{source} = {source} < {Literals.Int(length)} ? {source} : {Literals.Int(period)} - {source};");
                }
            }
            else if (mode == "Constant")
            {
                if (underflows)
                {
                    inside.Add($"{source} >= 0");
                }

                if (overflows)
                {
                    inside.Add($"{source} < {Literals.Int(length)}");
                }
            }

            terms.Add(strides[axis] == 1 ? source : $"({source} * {Literals.Int(strides[axis])})");
        }

        string read = terms.Count == 0 ? "x[0]" : $"x[{string.Join(" + ", terms)}]";
        if (inside.Count == 0)
        {
            writer.Line($"y[i] = {read};");
            return;
        }

        writer.Line($"bool inside = {string.Join(" && ", inside)};");
        using (writer.Open("if (inside)"))
        {
            writer.Line($"y[i] = {read};");
        }

        using (writer.Open("else"))
        {
            writer.Line($"y[i] = {value};");
        }
    }

    private static string Mode(Node node, ShapeContext context)
    {
        string mode = node.GetString(context, "mode", "constant");
        return mode switch
        {
            "constant" => "Constant",
            "reflect" => "Reflect",
            "edge" => "Edge",
            _ => throw context.Error(node, $"mode '{mode}' is not supported. Use constant, reflect or edge"),
        };
    }

    /// <summary>The pads as ONNX lays them out: all begins, then all ends.</summary>
    private static int[] Pads(Node node, ShapeContext context, int rank)
    {
        long[] pads = context.Opset < 11
            ? node.GetInts(context, "pads") ?? throw context.Error(node, "the required attribute pads is missing")
            : context.ConstantIntegers(node, 1, "pads");
        if (pads.Length != 2 * rank)
        {
            throw context.Error(node, $"pads has {pads.Length} values, but an input of rank {rank} needs {2 * rank} (the begins, then the ends)");
        }

        if (pads.Any(pad => pad < int.MinValue || pad > int.MaxValue))
        {
            throw context.Error(node, $"pads {string.Join(", ", pads)} do not fit in 32 bits");
        }

        return pads.Select(pad => (int)pad).ToArray();
    }

    private static int[] OutputShape(Node node, ShapeContext context, int[] input, int[] pads)
    {
        var shape = new int[input.Length];
        for (int axis = 0; axis < input.Length; axis++)
        {
            long dim = (long)input[axis] + pads[axis] + pads[axis + input.Length];
            if (dim < 0)
            {
                throw context.Error(node, $"the pads on axis {axis} crop {-(pads[axis] + pads[axis + input.Length])} elements, but the axis has only {input[axis]}");
            }

            shape[axis] = (int)dim;
        }

        return shape;
    }
}
