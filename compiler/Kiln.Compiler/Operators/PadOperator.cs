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
