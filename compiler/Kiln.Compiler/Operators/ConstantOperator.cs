using System;
using System.Collections.Generic;
using System.Linq;
using Kiln.Compiler.Graph;
using Kiln.Compiler.Read.Onnx;

namespace Kiln.Compiler.Operators;

/// <summary>
/// Constant: its value becomes an initializer of the graph, so later nodes read it like a weight (floats) or fold
/// it at build time (integers). No code runs for it. The <c>value</c> tensor form exists at every opset; the scalar
/// and list forms (<c>value_float</c>, <c>value_floats</c>, <c>value_int</c>, <c>value_ints</c>) from opset 12.
/// </summary>
internal sealed class ConstantOperator : Operator
{
    public ConstantOperator()
        : base("Constant", 1, 17)
    {
    }

    public override bool IsConstant => true;

    public override void InferShapes(Node node, ShapeContext context)
    {
        string output = node.Outputs[0];
        Initializer initializer = Read(node, context, output);
        context.Graph.Initializers[output] = initializer;
        var info = new TensorInfo(output, initializer.Type, initializer.Dims.Select(d => checked((int)d)).ToArray())
        {
            Initializer = initializer,
            IntegerValues = initializer.Integers?.ToArray(),
        };
        context.Tensors[output] = info;
    }

    public override void EmitCpu(Node node, CpuEmitContext context)
    {
        // Never called: constants are initializers, read where they are used.
    }

    private static Initializer Read(Node node, ShapeContext context, string name)
    {
        if (node.Attributes.TryGetValue("value", out AttributeProto? value) && value.T is not null)
        {
            return FromTensor(node, context, name, value.T);
        }

        if (node.Attributes.ContainsKey("value_float"))
        {
            return Floats(name, Array.Empty<long>(), new[] { node.GetFloat(context, "value_float", 0f) });
        }

        if (node.Attributes.TryGetValue("value_floats", out AttributeProto? floats))
        {
            return Floats(name, new long[] { floats.Floats.Count }, floats.Floats);
        }

        if (node.Attributes.ContainsKey("value_int"))
        {
            return Integers(name, ElementType.Int64, Array.Empty<long>(), new[] { node.GetInt(context, "value_int", 0) });
        }

        if (node.Attributes.TryGetValue("value_ints", out AttributeProto? ints))
        {
            return Integers(name, ElementType.Int64, new long[] { ints.Ints.Count }, ints.Ints);
        }

        throw context.Error(node, "it has no value attribute that Kiln reads (value, value_float, value_floats, value_int or value_ints)");
    }

    private static Initializer FromTensor(Node node, ShapeContext context, string name, TensorProto tensor)
    {
        long[] dims = tensor.Dims.ToArray();
        long count = dims.Aggregate(1L, (p, d) => p * d);
        byte[] raw = tensor.RawData.ToByteArray();
        switch ((ElementType)tensor.DataType)
        {
            case ElementType.Float:
                IEnumerable<float> floats = raw.Length > 0
                    ? Enumerable.Range(0, raw.Length / 4).Select(i => BitConverter.ToSingle(raw, i * 4))
                    : tensor.FloatData;
                return Check(node, context, Floats(name, dims, floats), count);
            case ElementType.Int64:
                IEnumerable<long> longs = raw.Length > 0
                    ? Enumerable.Range(0, raw.Length / 8).Select(i => BitConverter.ToInt64(raw, i * 8))
                    : tensor.Int64Data;
                return Check(node, context, Integers(name, ElementType.Int64, dims, longs), count);
            case ElementType.Int32:
            case ElementType.Bool:
                IEnumerable<long> values = raw.Length > 0
                    ? ((ElementType)tensor.DataType == ElementType.Int32
                        ? Enumerable.Range(0, raw.Length / 4).Select(i => (long)BitConverter.ToInt32(raw, i * 4))
                        : raw.Select(b => (long)b))
                    : tensor.Int32Data.Select(v => (long)v);
                return Check(node, context, Integers(name, (ElementType)tensor.DataType, dims, values), count);
            default:
                throw context.Error(node, $"its value has element type {ElementTypes.Name((ElementType)tensor.DataType)}, but Kiln reads float, int64, int32 and bool constants");
        }
    }

    private static Initializer Check(Node node, ShapeContext context, Initializer initializer, long count)
    {
        long stored = initializer.Floats?.Count ?? initializer.Integers?.Count ?? 0;
        if (stored != count)
        {
            throw context.Error(node, $"its value declares {count} elements but stores {stored}");
        }

        return initializer;
    }

    private static Initializer Floats(string name, long[] dims, IEnumerable<float> values) =>
        new Initializer(name, ElementType.Float, dims) { Storage = TensorStorage.Inline, Floats = values.ToList() };

    private static Initializer Integers(string name, ElementType type, long[] dims, IEnumerable<long> values) =>
        new Initializer(name, type, dims) { Storage = TensorStorage.Inline, Integers = values.ToList() };
}
