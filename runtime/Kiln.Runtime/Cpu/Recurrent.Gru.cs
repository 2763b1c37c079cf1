namespace Kiln.Cpu;

public static partial class Recurrent
{
    private const int GruGates = 3;

    /// <summary>
    /// Computes the ONNX GRU, with gates z, r, h in that order:
    /// zₜ = f(Xₜ·Wzᵀ + Hₜ₋₁·Rzᵀ + Wbz + Rbz), rₜ = f(Xₜ·Wrᵀ + Hₜ₋₁·Rrᵀ + Wbr + Rbr),
    /// hₜ = g(Xₜ·Whᵀ + (rₜ ⊙ Hₜ₋₁)·Rhᵀ + Rbh + Wbh), or with <paramref name="linearBeforeReset"/>
    /// hₜ = g(Xₜ·Whᵀ + rₜ ⊙ (Hₜ₋₁·Rhᵀ + Rbh) + Wbh), and Hₜ = (1 − zₜ) ⊙ hₜ + zₜ ⊙ Hₜ₋₁.
    /// </summary>
    /// <param name="x">X, [seq, batch, input] or [batch, seq, input] (see <see cref="RecurrentGeometry"/>).</param>
    /// <param name="w">W, [directions, 3·hidden, input].</param>
    /// <param name="r">R, [directions, 3·hidden, hidden].</param>
    /// <param name="b">B, [directions, 6·hidden], or empty for zero biases.</param>
    /// <param name="sequenceLengths">The valid steps of each sequence as integer floats, [batch], or empty when all are full length.</param>
    /// <param name="initialH">The initial hidden state, or empty for zeros.</param>
    /// <param name="y">Y, every hidden state, or empty when not needed.</param>
    /// <param name="yH">Y_h, the last hidden state, or empty when not needed.</param>
    /// <param name="workspace">Scratch memory of at least <see cref="GruWorkspaceLength"/> floats. Its contents are overwritten.</param>
    /// <param name="geometry">Sizes, direction, layout and clip bound.</param>
    /// <param name="activations">f and g for each direction.</param>
    /// <param name="linearBeforeReset">Whether the reset gate multiplies Hₜ₋₁·Rhᵀ + Rbh rather than Hₜ₋₁.</param>
    /// <exception cref="ArgumentException">A span has the wrong length, a sequence length is out of range, or the activation count is wrong.</exception>
    public static void Gru(
        ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> r, ReadOnlySpan<float> b,
        ReadOnlySpan<float> sequenceLengths, ReadOnlySpan<float> initialH,
        Span<float> y, Span<float> yH, Span<float> workspace,
        in RecurrentGeometry geometry, ReadOnlySpan<RecurrentActivation> activations, bool linearBeforeReset)
    {
        CheckArguments(x, w, r, b, sequenceLengths, initialH, y, yH, workspace, geometry, activations, GruGates, activationsPerDirection: 2);
        var buffers = new Buffers(workspace, geometry, GruGates);
        int hidden = geometry.HiddenSize;
        int gateWidth = GruGates * hidden;

        // Without linear_before_reset, the product with Rh needs r ⊙ H first, so one step multiplies by Rz and Rr only.
        int productWidth = linearBeforeReset ? gateWidth : 2 * hidden;

        y.Clear();
        for (int direction = 0; direction < geometry.DirectionCount; direction++)
        {
            RecurrentActivation f = activations[2 * direction];
            RecurrentActivation g = activations[2 * direction + 1];
            ReadOnlySpan<float> recurrentWeights = r.Slice(direction * gateWidth * hidden, gateWidth * hidden);
            ReadOnlySpan<float> recurrentBias = b.IsEmpty ? default : b.Slice(direction * 2 * gateWidth + gateWidth + 2 * hidden, hidden);
            Project(x, w, b, geometry, direction, GruGates, gateWithoutRecurrentBias: linearBeforeReset ? 2 : -1, buffers);
            LoadState(initialH, buffers.Hidden, geometry, direction);
            buffers.ResetHidden.Clear();

            for (int iteration = 0; iteration < geometry.SequenceLength; iteration++)
            {
                MultiplyRecurrent(buffers.Hidden, recurrentWeights, buffers.RecurrentProduct, geometry.BatchSize, hidden, productWidth);

                // First the update and reset gates of every sequence, and r ⊙ H for the product with Rh.
                for (int batch = 0; batch < geometry.BatchSize; batch++)
                {
                    int step = TimeStep(sequenceLengths, geometry, direction, batch, iteration);
                    if (step < 0)
                    {
                        continue;
                    }

                    Span<float> updateAndReset = buffers.RecurrentProduct.Slice(batch * productWidth, 2 * hidden);
                    Add(updateAndReset, buffers.Projection.Slice(geometry.InputRow(step, batch) * gateWidth, 2 * hidden));
                    Clip(updateAndReset, geometry.Clip);
                    f.ApplyInPlace(updateAndReset);

                    if (!linearBeforeReset)
                    {
                        Span<float> resetHidden = buffers.ResetHidden.Slice(batch * hidden, hidden);
                        ReadOnlySpan<float> reset = updateAndReset.Slice(hidden, hidden);
                        ReadOnlySpan<float> previous = buffers.Hidden.Slice(batch * hidden, hidden);
                        for (int j = 0; j < hidden; j++)
                        {
                            resetHidden[j] = reset[j] * previous[j];
                        }
                    }
                }

                if (!linearBeforeReset)
                {
                    MultiplyRecurrent(buffers.ResetHidden, recurrentWeights.Slice(2 * hidden * hidden), buffers.ResetProduct, geometry.BatchSize, hidden, hidden);
                }

                // Then the candidate state and the new hidden state.
                for (int batch = 0; batch < geometry.BatchSize; batch++)
                {
                    int step = TimeStep(sequenceLengths, geometry, direction, batch, iteration);
                    if (step < 0)
                    {
                        continue;
                    }

                    Span<float> gates = buffers.RecurrentProduct.Slice(batch * productWidth, productWidth);
                    ReadOnlySpan<float> update = gates.Slice(0, hidden);
                    ReadOnlySpan<float> reset = gates.Slice(hidden, hidden);
                    Span<float> candidate = buffers.ResetProduct.Slice(batch * hidden, hidden);
                    ReadOnlySpan<float> projected = buffers.Projection.Slice(geometry.InputRow(step, batch) * gateWidth + 2 * hidden, hidden);
                    if (linearBeforeReset)
                    {
                        ReadOnlySpan<float> hiddenProduct = gates.Slice(2 * hidden, hidden);
                        for (int j = 0; j < hidden; j++)
                        {
                            float recurrent = hiddenProduct[j] + (recurrentBias.IsEmpty ? 0f : recurrentBias[j]);
                            candidate[j] = projected[j] + reset[j] * recurrent;
                        }
                    }
                    else
                    {
                        Add(candidate, projected);
                    }

                    Clip(candidate, geometry.Clip);
                    g.ApplyInPlace(candidate);

                    Span<float> state = buffers.Hidden.Slice(batch * hidden, hidden);
                    for (int j = 0; j < hidden; j++)
                    {
                        state[j] = (1f - update[j]) * candidate[j] + update[j] * state[j];
                    }

                    WriteOutput(y, state, geometry, step, direction, batch);
                }
            }

            StoreState(buffers.Hidden, yH, geometry, direction);
        }
    }
}
