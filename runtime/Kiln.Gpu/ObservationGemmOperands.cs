using System.Runtime.CompilerServices;
using ILGPU;

namespace Kiln.Gpu;

/// <summary>
/// ONNX Gemm with one row per observation (M = 1 in the graph) as one product over all observations of a launch:
/// row r of A and of Y lies in observation r's arena or input, <see cref="ARowStride"/> and <see cref="YRowStride"/>
/// floats apart. B is K×N (N×K when transposed), and C broadcasts from 1×CColumns. Generated kernels set every field
/// from constants, except the views, which start at the tensors' offsets in the first observation.
/// </summary>
public struct ObservationGemmOperands : IGemmOperands
{
    /// <summary>The first observation's row of A; a row stride of 0 reads the same row (a weight) for every observation.</summary>
    public ArrayView<float> A;

    /// <summary>Floats between the rows of A of consecutive observations.</summary>
    public long ARowStride;

    /// <summary>The matrix B, stored row-major.</summary>
    public ArrayView<float> B;

    /// <summary>The addend C; read only when <see cref="HasC"/>.</summary>
    public ArrayView<float> C;

    /// <summary>The first observation's row of the output.</summary>
    public ArrayView<float> Y;

    /// <summary>Floats between the output rows of consecutive observations.</summary>
    public long YRowStride;

    /// <summary>Whether C is added.</summary>
    public bool HasC;

    /// <summary>Whether B is stored transposed (N×K).</summary>
    public bool TransposeB;

    /// <summary>Columns of the product.</summary>
    public int N;

    /// <summary>Depth of the product.</summary>
    public int K;

    /// <summary>Columns of C: 1 or N.</summary>
    public int CColumns;

    /// <summary>Scale of the product.</summary>
    public float Alpha;

    /// <summary>Scale of C.</summary>
    public float Beta;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly float LoadA(int batch, int row, int k) => A[(row * ARowStride) + k];

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
            value += Beta * C[CColumns == 1 ? 0 : column];
        }

        Y[(row * YRowStride) + column] = value;
    }
}
