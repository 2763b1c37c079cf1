namespace Kiln.Cpu;

public static partial class Recurrent
{
    private const int LstmGates = 4;

    /// <summary>
    /// Computes the ONNX LSTM, with gates i, o, f, c in that order in W, R and B, and peepholes i, o, f in P:
    /// iₜ = f(Xₜ·Wiᵀ + Hₜ₋₁·Riᵀ + Pi ⊙ Cₜ₋₁ + Wbi + Rbi), fₜ = f(Xₜ·Wfᵀ + Hₜ₋₁·Rfᵀ + Pf ⊙ Cₜ₋₁ + Wbf + Rbf),
    /// cₜ = g(Xₜ·Wcᵀ + Hₜ₋₁·Rcᵀ + Wbc + Rbc), Cₜ = fₜ ⊙ Cₜ₋₁ + iₜ ⊙ cₜ,
    /// oₜ = f(Xₜ·Woᵀ + Hₜ₋₁·Roᵀ + Po ⊙ Cₜ + Wbo + Rbo), Hₜ = oₜ ⊙ h(Cₜ).
    /// </summary>
    /// <param name="x">X, [seq, batch, input] or [batch, seq, input] (see <see cref="RecurrentGeometry"/>).</param>
    /// <param name="w">W, [directions, 4·hidden, input].</param>
    /// <param name="r">R, [directions, 4·hidden, hidden].</param>
    /// <param name="b">B, [directions, 8·hidden], or empty for zero biases.</param>
    /// <param name="sequenceLengths">The valid steps of each sequence as integer floats, [batch], or empty when all are full length.</param>
    /// <param name="initialH">The initial hidden state, or empty for zeros.</param>
    /// <param name="initialC">The initial cell state, or empty for zeros.</param>
    /// <param name="peepholes">P, [directions, 3·hidden], or empty for none.</param>
    /// <param name="y">Y, every hidden state, or empty when not needed.</param>
    /// <param name="yH">Y_h, the last hidden state, or empty when not needed.</param>
    /// <param name="yC">Y_c, the last cell state, or empty when not needed.</param>
    /// <param name="workspace">Scratch memory of at least <see cref="LstmWorkspaceLength"/> floats. Its contents are overwritten.</param>
    /// <param name="geometry">Sizes, direction, layout and clip bound.</param>
    /// <param name="activations">f, g and h for each direction.</param>
    /// <param name="inputForget">Whether the forget gate is coupled to the input gate as fₜ = 1 − iₜ.</param>
    /// <exception cref="ArgumentException">A span has the wrong length, a sequence length is out of range, or the activation count is wrong.</exception>
    public static void Lstm(
        ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> r, ReadOnlySpan<float> b,
        ReadOnlySpan<float> sequenceLengths, ReadOnlySpan<float> initialH, ReadOnlySpan<float> initialC, ReadOnlySpan<float> peepholes,
        Span<float> y, Span<float> yH, Span<float> yC, Span<float> workspace,
        in RecurrentGeometry geometry, ReadOnlySpan<RecurrentActivation> activations, bool inputForget)
    {
        CheckArguments(x, w, r, b, sequenceLengths, initialH, y, yH, workspace, geometry, activations, LstmGates, activationsPerDirection: 3);
        string stateShape = $"directions×batch×hidden = {geometry.DirectionCount}×{geometry.BatchSize}×{geometry.HiddenSize}";
        RequireEmptyOrLength(nameof(initialC), initialC.Length, geometry.StateLength, stateShape);
        RequireEmptyOrLength(nameof(yC), yC.Length, geometry.StateLength, stateShape);
        RequireEmptyOrLength(nameof(peepholes), peepholes.Length, (long)geometry.DirectionCount * 3 * geometry.HiddenSize, $"directions×(3·hidden) = {geometry.DirectionCount}×{3 * geometry.HiddenSize}");
        var buffers = new Buffers(workspace, geometry, LstmGates);
        int hidden = geometry.HiddenSize;
        int gateWidth = LstmGates * hidden;

        y.Clear();
        for (int direction = 0; direction < geometry.DirectionCount; direction++)
        {
            RecurrentActivation f = activations[3 * direction];
            RecurrentActivation g = activations[3 * direction + 1];
            RecurrentActivation h = activations[3 * direction + 2];
            ReadOnlySpan<float> recurrentWeights = r.Slice(direction * gateWidth * hidden, gateWidth * hidden);
            ReadOnlySpan<float> directionPeepholes = peepholes.IsEmpty ? default : peepholes.Slice(direction * 3 * hidden, 3 * hidden);
            Project(x, w, b, geometry, direction, LstmGates, gateWithoutRecurrentBias: -1, buffers);
            LoadState(initialH, buffers.Hidden, geometry, direction);
            LoadState(initialC, buffers.Cell, geometry, direction);

            for (int iteration = 0; iteration < geometry.SequenceLength; iteration++)
            {
                MultiplyRecurrent(buffers.Hidden, recurrentWeights, buffers.RecurrentProduct, geometry.BatchSize, hidden, gateWidth);
                for (int batch = 0; batch < geometry.BatchSize; batch++)
                {
                    int step = TimeStep(sequenceLengths, geometry, direction, batch, iteration);
                    if (step < 0)
                    {
                        continue;
                    }

                    Span<float> gates = buffers.RecurrentProduct.Slice(batch * gateWidth, gateWidth);
                    Add(gates, buffers.Projection.Slice(geometry.InputRow(step, batch) * gateWidth, gateWidth));
                    Span<float> cell = buffers.Cell.Slice(batch * hidden, hidden);
                    Span<float> state = buffers.Hidden.Slice(batch * hidden, hidden);
                    StepCell(gates, cell, state, directionPeepholes, geometry.Clip, f, g, h, inputForget);
                    WriteOutput(y, state, geometry, step, direction, batch);
                }
            }

            StoreState(buffers.Hidden, yH, geometry, direction);
            StoreState(buffers.Cell, yC, geometry, direction);
        }
    }

    /// <summary>
    /// Turns one sequence's gate inputs (X·Wᵀ + H·Rᵀ + biases, in the order i, o, f, c) into its new cell and hidden
    /// state. The gate row is overwritten.
    /// </summary>
    private static void StepCell(
        Span<float> gates, Span<float> cell, Span<float> state, ReadOnlySpan<float> peepholes, float clip,
        RecurrentActivation f, RecurrentActivation g, RecurrentActivation h, bool inputForget)
    {
        int hidden = cell.Length;
        Span<float> input = gates.Slice(0, hidden);
        Span<float> output = gates.Slice(hidden, hidden);
        Span<float> forget = gates.Slice(2 * hidden, hidden);
        Span<float> candidate = gates.Slice(3 * hidden, hidden);

        // The input and forget gates look at the previous cell state through their peepholes.
        if (!peepholes.IsEmpty)
        {
            AddProduct(input, peepholes.Slice(0, hidden), cell);
            AddProduct(forget, peepholes.Slice(2 * hidden, hidden), cell);
        }

        Clip(input, clip);
        f.ApplyInPlace(input);
        if (inputForget)
        {
            for (int j = 0; j < hidden; j++)
            {
                forget[j] = 1f - input[j];
            }
        }
        else
        {
            Clip(forget, clip);
            f.ApplyInPlace(forget);
        }

        Clip(candidate, clip);
        g.ApplyInPlace(candidate);
        for (int j = 0; j < hidden; j++)
        {
            cell[j] = forget[j] * cell[j] + input[j] * candidate[j];
        }

        // The output gate looks at the new cell state.
        if (!peepholes.IsEmpty)
        {
            AddProduct(output, peepholes.Slice(hidden, hidden), cell);
        }

        Clip(output, clip);
        f.ApplyInPlace(output);

        // h(Cₜ) goes where the candidate was, which is no longer needed.
        cell.CopyTo(candidate);
        h.ApplyInPlace(candidate);
        for (int j = 0; j < hidden; j++)
        {
            state[j] = output[j] * candidate[j];
        }
    }
}
