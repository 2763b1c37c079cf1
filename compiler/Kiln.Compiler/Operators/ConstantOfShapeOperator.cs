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
        double? value = count != 1 ? null : type switch
        {
            ElementType.Float => tensor.RawData.Length == 4 ? System.BitConverter.ToSingle(tensor.RawData.ToByteArray(), 0) : tensor.FloatData.Count == 1 ? tensor.FloatData[0] : null,
            ElementType.Int64 => tensor.RawData.Length == 8 ? System.BitConverter.ToInt64(tensor.RawData.ToByteArray(), 0) : tensor.Int64Data.Count == 1 ? tensor.Int64Data[0] : null,
            ElementType.Int32 => tensor.RawData.Length == 4 ? System.BitConverter.ToInt32(tensor.RawData.ToByteArray(), 0) : tensor.Int32Data.Count == 1 ? tensor.Int32Data[0] : null,
            ElementType.Bool => tensor.RawData.Length == 1 ? tensor.RawData[0] : tensor.Int32Data.Count == 1 ? tensor.Int32Data[0] : null,
            _ => null,
        };

        if (value is null)
        {
            throw context.Error(node, $"the value attribute holds {count} value(s) of type {ElementTypes.Name(type)}, but Kiln reads one float, int64, int32 or bool value");
        }

        return (type, value.Value);
    }
}
