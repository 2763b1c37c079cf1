using System;
using System.Linq;
using Kiln.Compiler.Emit;
using Kiln.Compiler.Graph;
using Kiln.Compiler.Read.Onnx;

namespace Kiln.Compiler.Operators;

/// <summary>
/// ConstantOfShape, opsets 9–17: a tensor of the shape its input gives (a build-time constant), every element the one
/// value of the <c>value</c> attribute (default float 0). Integer values are also known at build time, for folding.
/// </summary>
internal sealed class ConstantOfShapeOperator : Operator
{
    public ConstantOfShapeOperator()
        : base("ConstantOfShape", 9, 17)
    {
    }

    public override void InferShapes(Node node, ShapeContext context)
    {
        long[] dims = context.ConstantIntegers(node, 0, "output shape");
        if (dims.Any(dim => dim < 0 || dim > int.MaxValue))
        {
            throw context.Error(node, $"the output shape [{string.Join(", ", dims)}] has a dimension outside [0, {int.MaxValue}]");
        }

        int[] shape = dims.Select(dim => (int)dim).ToArray();
        (ElementType type, double value) = Value(node, context);
        long count = dims.Aggregate(1L, (p, d) => p * d);
        long[]? integers = type == ElementType.Float || count > ShapeContext.MaxFoldedElements ? null : Enumerable.Repeat((long)value, (int)count).ToArray();
        context.SetOutput(node, 0, type, shape, integers);
    }

    public override string DescribeAttributes(Node node, ShapeContext context) => $"value {Literals.Float((float)Value(node, context).Value)}";

    public override void EmitCpu(Node node, CpuEmitContext context)
    {
        context.Writer.Line($"{context.WriteOutput(node, 0)}.Fill({Literals.Float((float)Value(node, context.Shapes).Value)});");
    }

    private static (ElementType Type, double Value) Value(Node node, ShapeContext context)
    {
        if (!node.Attributes.TryGetValue("value", out AttributeProto? attribute) || attribute.T is null)
        {
            return (ElementType.Float, 0);
        }

        TensorProto tensor = attribute.T;
        var type = (ElementType)tensor.DataType;
        long count = tensor.Dims.Aggregate(1L, (p, d) => p * d);
        double? value = count == 1 ? ScalarValue(tensor) : null;
        if (value is null)
        {
            throw context.Error(node, $"the value attribute contains {count} value(s) of type {ElementTypes.Name(type)}, but it must contain one float, int64, int32 or bool value");
        }

        return (type, value.Value);
    }

    /// <summary>Reads the one value of a float, int64, int32 or bool tensor, from raw_data or its typed field; null for other types.</summary>
    private static double? ScalarValue(TensorProto tensor)
    {
        byte[] raw = tensor.RawData.ToByteArray();
        switch ((ElementType)tensor.DataType)
        {
            case ElementType.Float when raw.Length == 4:
                return BitConverter.ToSingle(raw, 0);
            case ElementType.Float when tensor.FloatData.Count == 1:
                return tensor.FloatData[0];
            case ElementType.Int64 when raw.Length == 8:
                return BitConverter.ToInt64(raw, 0);
            case ElementType.Int64 when tensor.Int64Data.Count == 1:
                return tensor.Int64Data[0];
            case ElementType.Int32 when raw.Length == 4:
                return BitConverter.ToInt32(raw, 0);
            case ElementType.Bool when raw.Length == 1:
                return raw[0];
            case ElementType.Int32 or ElementType.Bool when tensor.Int32Data.Count == 1:
                return tensor.Int32Data[0];
            default:
                return null;
        }
    }

    public override bool HasGpuKernels => true;

    public override void EmitGpu(Node node, GpuEmitContext context)
    {
        int count = context.Shapes.Tensor(node.Outputs[0]).ElementCount;
        string value = Literals.Float((float)Value(node, context.Shapes).Value);
        var views = new[] { ("y", context.WriteOutput(node, 0)) };
        context.ElementwiseKernelUnlessEmpty(node, OpType, count, views, () => context.Writer.Line($"y[i] = {value};"));
    }
}
