using Kiln.Compiler.Emit;

namespace Kiln.Compiler.Operators;

/// <summary>Index arithmetic of the GPU kernels that copy equal blocks between tensors laid out as outer × block (Concat, Split).</summary>
internal static class GpuBlockCopy
{
    /// <summary>
    /// The C# expression for where element <paramref name="index"/> of a packed outer × <paramref name="block"/> tensor
    /// lies in a tensor whose blocks start every <paramref name="stride"/> elements, from <paramref name="offset"/> on.
    /// </summary>
    public static string Index(string index, int block, int stride, int offset)
    {
        string start = offset == 0 ? string.Empty : $"{Literals.Int(offset)} + ";
        if (block == stride)
        {
            return start + index;
        }

        return $"{start}({index} / {Literals.Int(block)} * {Literals.Int(stride)}) + ({index} % {Literals.Int(block)})";
    }
}
