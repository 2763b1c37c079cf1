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

    /// <summary>
    /// True for the types Kiln computes with: numbers and bool. Every such tensor is held as float32 at run time,
    /// which keeps integers exact up to 2^24 and bool as 1 or 0; strings and complex numbers have no float form.
    /// </summary>
    public static bool IsNumeric(ElementType type) => type is not (ElementType.Undefined or ElementType.String or ElementType.Complex64 or ElementType.Complex128);

    /// <summary>True for the floating-point types: float32, and float16, bfloat16 and double, which Kiln computes in float32.</summary>
    public static bool IsFloatingPoint(ElementType type) => type is ElementType.Float or ElementType.Float16 or ElementType.BFloat16 or ElementType.Double;

    /// <summary>True for the signed and unsigned integer types, whose division truncates and whose casts drop fractions.</summary>
    public static bool IsInteger(ElementType type) => IsNumeric(type) && !IsFloatingPoint(type) && type != ElementType.Bool;
}
