namespace Kiln.Cpu;

public static partial class Recurrent
{
    private const int RnnGates = 1;

    /// <summary>Computes the ONNX RNN: Hₜ = f(Xₜ·Wᵀ + Hₜ₋₁·Rᵀ + Wb + Rb).</summary>
    /// <param name="x">X, [seq, batch, input] or [batch, seq, input] (see <see cref="RecurrentGeometry"/>).</param>
    /// <param name="w">W, [directions, hidden, input].</param>
    /// <param name="r">R, [directions, hidden, hidden].</param>
    /// <param name="b">B, [directions, 2·hidden], or empty for zero biases.</param>
    /// <param name="sequenceLengths">The valid steps of each sequence as integer floats, [batch], or empty when all are full length.</param>
    /// <param name="initialH">The initial hidden state, or empty for zeros.</param>
    /// <param name="y">Y, every hidden state, or empty when not needed.</param>
    /// <param name="yH">Y_h, the last hidden state, or empty when not needed.</param>
    /// <param name="workspace">Scratch memory of at least <see cref="RnnWorkspaceLength"/> floats. Its contents are overwritten.</param>
    /// <param name="geometry">Sizes, direction, layout and clip bound.</param>
    /// <param name="activations">f for each direction.</param>
    /// <exception cref="ArgumentException">A span has the wrong length, a sequence length is out of range, or the activation count is wrong.</exception>
    public static void Rnn(
        ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> r, ReadOnlySpan<float> b,
        ReadOnlySpan<float> sequenceLengths, ReadOnlySpan<float> initialH,
        Span<float> y, Span<float> yH, Span<float> workspace,
        in RecurrentGeometry geometry, ReadOnlySpan<RecurrentActivation> activations)
    {
        CheckArguments(x, w, r, b, sequenceLengths, initialH, y, yH, workspace, geometry, activations, RnnGates, activationsPerDirection: 1);
        var buffers = new Buffers(workspace, geometry, RnnGates);
        int hidden = geometry.HiddenSize;

        // Steps past a sequence's end are never written, so Y must be zero there.
        y.Clear();
        for (int direction = 0; direction < geometry.DirectionCount; direction++)
        {
            RecurrentActivation f = activations[direction];
            ReadOnlySpan<float> recurrentWeights = r.Slice(direction * hidden * hidden, hidden * hidden);
            Project(x, w, b, geometry, direction, RnnGates, gateWithoutRecurrentBias: -1, buffers);
            LoadState(initialH, buffers.Hidden, geometry, direction);

            for (int iteration = 0; iteration < geometry.SequenceLength; iteration++)
            {
                MultiplyRecurrent(buffers.Hidden, recurrentWeights, buffers.RecurrentProduct, geometry.BatchSize, hidden, hidden);
                for (int batch = 0; batch < geometry.BatchSize; batch++)
                {
                    int step = TimeStep(sequenceLengths, geometry, direction, batch, iteration);
                    if (step < 0)
                    {
                        continue;
                    }

                    Span<float> gate = buffers.RecurrentProduct.Slice(batch * hidden, hidden);
                    Add(gate, buffers.Projection.Slice(geometry.InputRow(step, batch) * hidden, hidden));
                    Clip(gate, geometry.Clip);
                    f.ApplyInPlace(gate);

                    gate.CopyTo(buffers.Hidden.Slice(batch * hidden, hidden));
                    WriteOutput(y, gate, geometry, step, direction, batch);
                }
            }

            StoreState(buffers.Hidden, yH, geometry, direction);
        }
    }

    /// <summary>Copies one hidden vector into Y at (<paramref name="step"/>, <paramref name="direction"/>, <paramref name="batch"/>), unless Y is empty.</summary>
    private static void WriteOutput(Span<float> y, ReadOnlySpan<float> hidden, in RecurrentGeometry geometry, int step, int direction, int batch)
    {
        if (!y.IsEmpty)
        {
            hidden.CopyTo(y.Slice(geometry.OutputOffset(step, direction, batch), geometry.HiddenSize));
        }
    }
}
