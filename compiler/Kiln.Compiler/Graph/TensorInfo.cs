namespace Kiln.Compiler.Graph;

/// <summary>The type, static shape and build-time values of one tensor once shapes are inferred.</summary>
internal sealed class TensorInfo
{
    public TensorInfo(string name, ElementType type, int[] shape)
    {
        Name = name;
        Type = type;
        Shape = shape;
    }

    public string Name { get; }

    public ElementType Type { get; }

    /// <summary>The static shape; every dimension is known.</summary>
    public int[] Shape { get; }

    /// <summary>The initializer behind the tensor, when it is one.</summary>
    public Initializer? Initializer { get; set; }

    /// <summary>Integer values known at build time (shape tensors, axes), for folding shape arithmetic.</summary>
    public long[]? IntegerValues { get; set; }

    public int ElementCount
    {
        get
        {
            int count = 1;
            foreach (int dim in Shape)
            {
                count *= dim;
            }

            return count;
        }
    }

    public string ShapeText => Shape.Length == 0 ? "scalar" : string.Join("×", Shape);
}
