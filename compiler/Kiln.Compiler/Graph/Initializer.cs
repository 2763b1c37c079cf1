using System.Collections.Generic;

namespace Kiln.Compiler.Graph;

/// <summary>How an initializer's values are stored in the model file.</summary>
internal enum TensorStorage
{
    /// <summary>Little-endian values in <c>raw_data</c>, viewable in place.</summary>
    Raw,

    /// <summary>Packed little-endian floats in <c>float_data</c>, viewable in place.</summary>
    PackedFloats,

    /// <summary>Values held by the reader (small tensors, unpacked fields, Constant nodes).</summary>
    Inline,

    /// <summary>Values in a file beside the model (<c>data_location = EXTERNAL</c>).</summary>
    External,
}

/// <summary>
/// A constant tensor of the model: its name, type and dims, and where its bytes lie. Float weights are
/// never copied into the compiler: it keeps their byte offset, and the generated code reads them in place.
/// </summary>
internal sealed class Initializer
{
    public Initializer(string name, ElementType type, long[] dims)
    {
        Name = name;
        Type = type;
        Dims = dims;
    }

    public string Name { get; }

    public ElementType Type { get; }

    public long[] Dims { get; }

    public TensorStorage Storage { get; set; } = TensorStorage.Inline;

    /// <summary>The file that contains the values (External), as the model names it, relative to the model's folder.</summary>
    public string? ExternalLocation { get; set; }

    /// <summary>Byte offset of the values in the model file (Raw, PackedFloats) or in the external file (External).</summary>
    public long Offset { get; set; }

    /// <summary>
    /// Byte length of the values in the model file (Raw, PackedFloats) or in the external file (External). For an
    /// external file it is -1 when the model gives no length, until the build check sets it to the bytes up to the file's end.
    /// </summary>
    public long ByteLength { get; set; }

    /// <summary>The external file's length in bytes when the build checked it (External), so generated code can detect a stale resource.</summary>
    public long ExternalFileLength { get; set; }

    /// <summary>The manifest resource the build embeds the external file as (External), set once the file is checked.</summary>
    public string? ExternalResourceName { get; set; }

    /// <summary>Float values held in memory (Inline float tensors).</summary>
    public List<float>? Floats { get; set; }

    /// <summary>Integer values held in memory: int64 and int32 tensors, and bools as 0 or 1 (Inline).</summary>
    public List<long>? Integers { get; set; }

    /// <summary>Small raw_data, read so that shape inference can use its values: up to 64 KiB of a non-float tensor, up to 64 bytes of a float tensor.</summary>
    public byte[]? RawBytes { get; set; }

    public long ElementCount
    {
        get
        {
            long count = 1;
            foreach (long dim in Dims)
            {
                count *= dim;
            }

            return count;
        }
    }
}
