namespace Kiln.Compiler.Graph;

/// <summary>A declared graph input or output: its name, element type and dims, where -1 marks a symbolic dimension.</summary>
internal sealed class ValueInfo
{
    public ValueInfo(string name, ElementType type, long[]? dims, string?[] symbols)
    {
        Name = name;
        Type = type;
        Dims = dims;
        Symbols = symbols;
    }

    public string Name { get; }

    public ElementType Type { get; }

    /// <summary>The dims, -1 for a symbolic or unknown one; null when the model gives no shape.</summary>
    public long[]? Dims { get; }

    /// <summary>The name of each symbolic dimension (<c>dim_param</c>), null where the dimension is fixed.</summary>
    public string?[] Symbols { get; }
}
