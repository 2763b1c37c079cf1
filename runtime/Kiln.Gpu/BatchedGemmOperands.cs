using System.Runtime.CompilerServices;
using ILGPU;

namespace Kiln.Gpu;

/// <summary>
/// ONNX MatMul as batched products for <see cref="TiledGemm"/>: product b multiplies an M×K matrix of A by a K×N
/// matrix of B, both row-major, and writes the M×N matrix b of Y. The batch index splits into up to three broadcast
/// axes (outer, middle, inner). Along each axis, A and B advance by their own stride in floats, which is 0 where that
/// operand is broadcast. Generated kernels set every field from constants.
/// </summary>
public struct BatchedGemmOperands : IGemmOperands
{
    /// <summary>The matrices of A.</summary>
    public ArrayView<float> A;

    /// <summary>The matrices of B.</summary>
    public ArrayView<float> B;

    /// <summary>The output, one M×N matrix per product.</summary>
    public ArrayView<float> Y;

    /// <summary>Rows of each product.</summary>
    public int M;

    /// <summary>Columns of each product.</summary>
    public int N;

    /// <summary>Depth of each product.</summary>
    public int K;

    /// <summary>Size of the middle batch axis.</summary>
    public int MiddleSize;

    /// <summary>Size of the inner batch axis.</summary>
    public int InnerSize;

    /// <summary>Floats between A's matrices along the outer batch axis.</summary>
    public int AOuterStride;

    /// <summary>Floats between A's matrices along the middle batch axis.</summary>
    public int AMiddleStride;

    /// <summary>Floats between A's matrices along the inner batch axis.</summary>
    public int AInnerStride;

    /// <summary>Floats between B's matrices along the outer batch axis.</summary>
    public int BOuterStride;

    /// <summary>Floats between B's matrices along the middle batch axis.</summary>
    public int BMiddleStride;

    /// <summary>Floats between B's matrices along the inner batch axis.</summary>
    public int BInnerStride;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly float LoadA(int batch, int row, int k) =>
        A[MatrixStart(batch, AOuterStride, AMiddleStride, AInnerStride) + (row * K) + k];

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly float LoadB(int batch, int k, int column) =>
        B[MatrixStart(batch, BOuterStride, BMiddleStride, BInnerStride) + (k * N) + column];

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly void Store(int batch, int row, int column, float sum)
    {
        Y[(((batch * M) + row) * N) + column] = sum;
    }

    /// <summary>Returns the offset of an operand's matrix in product <paramref name="batch"/>, given that operand's strides.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private readonly int MatrixStart(int batch, int outerStride, int middleStride, int innerStride)
    {
        int inner = batch % InnerSize;
        int middle = batch / InnerSize % MiddleSize;
        int outer = batch / (InnerSize * MiddleSize);
        return (outer * outerStride) + (middle * middleStride) + (inner * innerStride);
    }
}
