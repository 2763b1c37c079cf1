using System.Runtime.CompilerServices;
using ILGPU;

namespace Kiln.Gpu;

/// <summary>
/// The input projection of an ONNX RNN, GRU or LSTM as <see cref="TiledGemm"/> products, one for each direction:
/// every row of X times Wᵀ of that direction, plus the bias row. The bias of each gate is Wb + Rb, except for gate
/// <see cref="GateWithoutRecurrentBias"/>, which gets Wb only because GRU with linear_before_reset adds its Rb inside
/// the reset product. Generated kernels set every field from constants.
/// </summary>
public struct RecurrentProjectionOperands : IGemmOperands
{
    /// <summary>X, rows×input, with the rows in the tensor's own order (time-major or batch-major).</summary>
    public ArrayView<float> X;

    /// <summary>W, directions×(gates·hidden)×input.</summary>
    public ArrayView<float> W;

    /// <summary>B, directions×(2·gates·hidden): all of Wb, then all of Rb; read only when <see cref="HasBias"/>.</summary>
    public ArrayView<float> B;

    /// <summary>The output, directions×rows×(gates·hidden).</summary>
    public ArrayView<float> Projection;

    /// <summary>Whether the node has the bias input B.</summary>
    public bool HasBias;

    /// <summary>Rows of X: time steps × sequences.</summary>
    public int Rows;

    /// <summary>Features of one time step.</summary>
    public int Input;

    /// <summary>Gates × hidden size: the columns of one direction's product.</summary>
    public int GateWidth;

    /// <summary>Hidden size: the columns of one gate.</summary>
    public int Hidden;

    /// <summary>The gate whose bias leaves out Rb, or −1 for none.</summary>
    public int GateWithoutRecurrentBias;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly float LoadA(int batch, int row, int k) => X[(row * Input) + k];

    /// <inheritdoc/>
    /// <remarks>The product's batch is the direction.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly float LoadB(int batch, int k, int column) => W[(((batch * GateWidth) + column) * Input) + k];

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly void Store(int batch, int row, int column, float sum)
    {
        // The two biases are summed first, as the CPU path does.
        float bias = 0f;
        if (HasBias)
        {
            int inputBias = (batch * 2 * GateWidth) + column;
            bias = column / Hidden == GateWithoutRecurrentBias ? B[inputBias] : B[inputBias] + B[inputBias + GateWidth];
        }

        Projection[(((batch * Rows) + row) * GateWidth) + column] = sum + bias;
    }
}
