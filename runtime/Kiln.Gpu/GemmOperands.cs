using System.Runtime.CompilerServices;
using ILGPU;

namespace Kiln.Gpu;

/// <summary>
/// ONNX Gemm, Y = alpha·op(A)·op(B) + beta·C, as one product for <see cref="TiledGemm"/>: A is M×K (K×M when
/// transposed), B is K×N (N×K when transposed), and C broadcasts from CRows×CColumns to M×N.
/// Generated kernels set every field from constants.
/// </summary>
public struct GemmOperands : IGemmOperands
{
    /// <summary>The matrix A, stored row-major.</summary>
    public ArrayView<float> A;

    /// <summary>The matrix B, stored row-major.</summary>
    public ArrayView<float> B;

    /// <summary>The addend C; read only when <see cref="HasC"/>.</summary>
    public ArrayView<float> C;

    /// <summary>The output, M×N.</summary>
    public ArrayView<float> Y;

    /// <summary>Whether C is added.</summary>
    public bool HasC;

    /// <summary>Whether A is stored transposed (K×M).</summary>
    public bool TransposeA;

    /// <summary>Whether B is stored transposed (N×K).</summary>
    public bool TransposeB;

    /// <summary>Rows of the product.</summary>
    public int M;

    /// <summary>Columns of the product.</summary>
    public int N;

    /// <summary>Depth of the product.</summary>
    public int K;

    /// <summary>Rows of C: 1 or M.</summary>
    public int CRows;

    /// <summary>Columns of C: 1 or N.</summary>
    public int CColumns;

    /// <summary>Scale of the product.</summary>
    public float Alpha;

    /// <summary>Scale of C.</summary>
    public float Beta;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly float LoadA(int batch, int row, int k) => TransposeA ? A[(k * M) + row] : A[(row * K) + k];

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly float LoadB(int batch, int k, int column) => TransposeB ? B[(column * K) + k] : B[(k * N) + column];

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly void Store(int batch, int row, int column, float sum)
    {
        float value = Alpha * sum;
        if (HasC)
        {
            int cRow = CRows == 1 ? 0 : row;
            int cColumn = CColumns == 1 ? 0 : column;
            value += Beta * C[(cRow * CColumns) + cColumn];
        }

        Y[(row * N) + column] = value;
    }
}
