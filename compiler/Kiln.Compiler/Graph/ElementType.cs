namespace Kiln.Compiler.Graph;

/// <summary>ONNX tensor element types; the values are those of <c>TensorProto.DataType</c>.</summary>
internal enum ElementType
{
    Undefined = 0,
    Float = 1,
    UInt8 = 2,
    Int8 = 3,
    UInt16 = 4,
    Int16 = 5,
    Int32 = 6,
    Int64 = 7,
    String = 8,
    Bool = 9,
    Float16 = 10,
    Double = 11,
    UInt32 = 12,
    UInt64 = 13,
    Complex64 = 14,
    Complex128 = 15,
    BFloat16 = 16,
}

internal static class ElementTypes
{
    public static bool IsKnown(int value) => value >= 1 && value <= 16;

    /// <summary>Bytes one element takes in <c>raw_data</c>; 0 for strings.</summary>
    public static int Size(ElementType type) => type switch
    {
        ElementType.Float or ElementType.Int32 or ElementType.UInt32 => 4,
        ElementType.Int64 or ElementType.UInt64 or ElementType.Double or ElementType.Complex64 => 8,
        ElementType.Complex128 => 16,
        ElementType.Int16 or ElementType.UInt16 or ElementType.Float16 or ElementType.BFloat16 => 2,
        ElementType.Int8 or ElementType.UInt8 or ElementType.Bool => 1,
        _ => 0,
    };

    public static string Name(ElementType type) => type.ToString().ToLowerInvariant();
}
