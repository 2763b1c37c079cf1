using System.Buffers.Binary;
using Kiln.Compiler.Read.Onnx;
using DataType = Kiln.Compiler.Read.Onnx.TensorProto.Types.DataType;

namespace Kiln.Conformance.Tests;

/// <summary>Reads the values of a serialized ONNX TensorProto (an input_K.pb or output_K.pb file of a node test).</summary>
internal static class TensorValues
{
    public static TensorProto ReadFile(string path) => TensorProto.Parser.ParseFrom(File.ReadAllBytes(path));

    public static long ElementCount(TensorProto tensor) => tensor.Dims.Aggregate(1L, (product, dimension) => product * dimension);

    /// <summary>The ONNX name of the tensor's element type, such as <c>FLOAT</c> or <c>INT64</c>.</summary>
    public static string TypeName(int dataType) =>
        Enum.IsDefined(typeof(DataType), dataType) ? ((DataType)dataType).ToString().ToUpperInvariant() : $"data type {dataType}";

    /// <summary>
    /// The values of a numeric or bool tensor as float32, the form in which a compiled network takes every input
    /// (integers are exact up to 2^24, bool is 1 or 0, double is rounded).
    /// </summary>
    public static float[] ReadFloats(TensorProto tensor) => ReadNumbers(tensor).Select(value => (float)value).ToArray();

    /// <summary>
    /// The tensor as the model declares it: the node tests store bfloat16 values as their uint16 bit patterns
    /// (NumPy has no bfloat16), so a uint16 tensor for a bfloat16 input or output is read as bfloat16.
    /// </summary>
    public static TensorProto AsDeclared(TensorProto tensor, int declaredType)
    {
        if (declaredType != (int)DataType.Bfloat16 || tensor.DataType != (int)DataType.Uint16)
        {
            return tensor;
        }

        TensorProto bfloat16 = tensor.Clone();
        bfloat16.DataType = (int)DataType.Bfloat16;
        return bfloat16;
    }

    /// <summary>
    /// The values of a numeric or bool tensor as doubles, which hold every float32, float16, int32 and bool value
    /// exactly, and int64 values up to 2^53 exactly.
    /// </summary>
    public static double[] ReadNumbers(TensorProto tensor)
    {
        long count = ElementCount(tensor);
        double[] values = tensor.RawData.IsEmpty ? ReadTypedFields(tensor) : ReadRawData(tensor);
        if (values.LongLength != count)
        {
            throw new InvalidDataException(
                $"The tensor '{tensor.Name}' has the dims [{string.Join(", ", tensor.Dims)}], so {count} values, but its data contains {values.Length}.");
        }

        return values;
    }

    private static double[] ReadTypedFields(TensorProto tensor) => (DataType)tensor.DataType switch
    {
        DataType.Float => tensor.FloatData.Select(value => (double)value).ToArray(),
        DataType.Double => tensor.DoubleData.ToArray(),
        DataType.Int64 => tensor.Int64Data.Select(value => (double)value).ToArray(),
        DataType.Uint32 or DataType.Uint64 => tensor.Uint64Data.Select(value => (double)value).ToArray(),

        // ONNX stores these types widened in int32_data, and float16 as its bit pattern.
        DataType.Float16 => tensor.Int32Data.Select(bits => (double)BitConverter.UInt16BitsToHalf((ushort)bits)).ToArray(),
        DataType.Bfloat16 => tensor.Int32Data.Select(bits => (double)BitConverter.Int32BitsToSingle(bits << 16)).ToArray(),
        DataType.Int8 or DataType.Uint8 or DataType.Int16 or DataType.Uint16 or DataType.Int32 or DataType.Bool =>
            tensor.Int32Data.Select(value => (double)value).ToArray(),
        _ => throw new NotSupportedException($"the tensor '{tensor.Name}' has the element type {TypeName(tensor.DataType)}, which has no numeric values"),
    };

    private static double[] ReadRawData(TensorProto tensor)
    {
        ReadOnlySpan<byte> raw = tensor.RawData.Span;
        int size = ElementSize(tensor);
        if (raw.Length % size != 0)
        {
            throw new InvalidDataException($"The raw_data of the tensor '{tensor.Name}' has {raw.Length} bytes, which is not a multiple of {size}.");
        }

        var values = new double[raw.Length / size];
        for (int i = 0; i < values.Length; i++)
        {
            ReadOnlySpan<byte> bytes = raw.Slice(i * size, size);
            values[i] = (DataType)tensor.DataType switch
            {
                DataType.Float => BinaryPrimitives.ReadSingleLittleEndian(bytes),
                DataType.Double => BinaryPrimitives.ReadDoubleLittleEndian(bytes),
                DataType.Float16 => (double)BinaryPrimitives.ReadHalfLittleEndian(bytes),
                DataType.Bfloat16 => BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(bytes) << 16),
                DataType.Int8 => (sbyte)bytes[0],
                DataType.Uint8 or DataType.Bool => bytes[0],
                DataType.Int16 => BinaryPrimitives.ReadInt16LittleEndian(bytes),
                DataType.Uint16 => BinaryPrimitives.ReadUInt16LittleEndian(bytes),
                DataType.Int32 => BinaryPrimitives.ReadInt32LittleEndian(bytes),
                DataType.Uint32 => BinaryPrimitives.ReadUInt32LittleEndian(bytes),
                DataType.Int64 => BinaryPrimitives.ReadInt64LittleEndian(bytes),
                _ => BinaryPrimitives.ReadUInt64LittleEndian(bytes),
            };
        }

        return values;
    }

    private static int ElementSize(TensorProto tensor) => (DataType)tensor.DataType switch
    {
        DataType.Int8 or DataType.Uint8 or DataType.Bool => 1,
        DataType.Int16 or DataType.Uint16 or DataType.Float16 or DataType.Bfloat16 => 2,
        DataType.Float or DataType.Int32 or DataType.Uint32 => 4,
        DataType.Double or DataType.Int64 or DataType.Uint64 => 8,
        _ => throw new NotSupportedException($"the tensor '{tensor.Name}' has the element type {TypeName(tensor.DataType)}, which has no numeric values"),
    };
}
