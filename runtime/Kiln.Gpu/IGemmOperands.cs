namespace Kiln.Gpu;

/// <summary>
/// Where <see cref="TiledGemm"/> reads the matrices A (M×K) and B (K×N) of each of its independent products and where
/// it writes the result: plain matrices for Gemm, the weights and the unfolded input for an implicit-GEMM convolution.
/// Implementations are structs, so ILGPU inlines their methods into the kernel.
/// </summary>
public interface IGemmOperands
{
    /// <summary>Element (<paramref name="row"/>, <paramref name="k"/>) of A in product <paramref name="batch"/>.</summary>
    float LoadA(int batch, int row, int k);

    /// <summary>Element (<paramref name="k"/>, <paramref name="column"/>) of B in product <paramref name="batch"/>.</summary>
    float LoadB(int batch, int k, int column);

    /// <summary>Writes the dot product <paramref name="sum"/> of output element (<paramref name="row"/>, <paramref name="column"/>).</summary>
    void Store(int batch, int row, int column, float sum);
}
