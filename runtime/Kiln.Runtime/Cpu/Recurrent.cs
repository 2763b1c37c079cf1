namespace Kiln.Cpu;

/// <summary>
/// The ONNX recurrent operators RNN, GRU and LSTM on single-precision tensors. Each direction first projects the
/// whole input sequence at once (X·Wᵀ plus the biases, one matrix product), then walks the time steps, multiplying
/// the hidden state by Rᵀ at every step. The tensor layouts are those of <see cref="RecurrentGeometry"/>.
/// </summary>
/// <remarks>
/// Weights follow the ONNX shapes: W is [directions, gates·hidden, input], R is [directions, gates·hidden, hidden] and
/// B is [directions, 2·gates·hidden] (all of Wb, then all of Rb), with the gates in ONNX order: LSTM i, o, f, c;
/// GRU z, r, h; RNN a single gate. The sequence lengths arrive as floats holding integers, one for each sequence in the
/// batch. A sequence shorter than the input leaves zeros in Y past its end, and its final states are those of its
/// last valid step.
/// </remarks>
public static partial class Recurrent
{
    /// <summary>Returns the workspace length, in floats, that <see cref="Rnn"/> needs.</summary>
    public static int RnnWorkspaceLength(in RecurrentGeometry geometry) => WorkspaceLength(geometry, RnnGates);

    /// <summary>Returns the workspace length, in floats, that <see cref="Gru"/> needs.</summary>
    public static int GruWorkspaceLength(in RecurrentGeometry geometry) => WorkspaceLength(geometry, GruGates);

    /// <summary>Returns the workspace length, in floats, that <see cref="Lstm"/> needs.</summary>
    public static int LstmWorkspaceLength(in RecurrentGeometry geometry) => WorkspaceLength(geometry, LstmGates);

    /// <summary>
    /// Floats for the projected input of one direction, the summed biases, the recurrent product, and four state-sized
    /// buffers (hidden state, cell state, and GRU's reset hidden state with its product).
    /// </summary>
    private static int WorkspaceLength(in RecurrentGeometry geometry, int gates)
    {
        long gateWidth = (long)gates * geometry.HiddenSize;
        long rows = (long)geometry.SequenceLength * geometry.BatchSize;
        long batchState = (long)geometry.BatchSize * geometry.HiddenSize;
        return checked((int)(rows * gateWidth + gateWidth + geometry.BatchSize * gateWidth + 4 * batchState));
    }

    /// <summary>The workspace cut into the buffers every operator uses.</summary>
    private readonly ref struct Buffers
    {
        public Buffers(Span<float> workspace, in RecurrentGeometry geometry, int gates)
        {
            int gateWidth = gates * geometry.HiddenSize;
            int batchState = geometry.BatchSize * geometry.HiddenSize;
            int projectionLength = geometry.SequenceLength * geometry.BatchSize * gateWidth;
            Projection = workspace.Slice(0, projectionLength);
            BiasSum = workspace.Slice(projectionLength, gateWidth);
            RecurrentProduct = workspace.Slice(projectionLength + gateWidth, geometry.BatchSize * gateWidth);
            Span<float> states = workspace.Slice(projectionLength + gateWidth + geometry.BatchSize * gateWidth, 4 * batchState);
            Hidden = states.Slice(0, batchState);
            Cell = states.Slice(batchState, batchState);
            ResetHidden = states.Slice(2 * batchState, batchState);
            ResetProduct = states.Slice(3 * batchState, batchState);
        }

        /// <summary>X·Wᵀ plus the biases, one row of gates·hidden for every row of X.</summary>
        public Span<float> Projection { get; }

        /// <summary>The bias row added to the projection.</summary>
        public Span<float> BiasSum { get; }

        /// <summary>Hidden state·Rᵀ for one step, batch×(gates·hidden); the gate values are computed in place.</summary>
        public Span<float> RecurrentProduct { get; }

        /// <summary>The hidden state of every sequence, batch×hidden.</summary>
        public Span<float> Hidden { get; }

        /// <summary>The LSTM cell state of every sequence, batch×hidden.</summary>
        public Span<float> Cell { get; }

        /// <summary>GRU's r ⊙ H, batch×hidden.</summary>
        public Span<float> ResetHidden { get; }

        /// <summary>GRU's (r ⊙ H)·Rhᵀ, batch×hidden.</summary>
        public Span<float> ResetProduct { get; }
    }

    /// <summary>Throws unless every span has the length the geometry requires. Optional spans may be empty.</summary>
    private static void CheckArguments(
        ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> r, ReadOnlySpan<float> b,
        ReadOnlySpan<float> sequenceLengths, ReadOnlySpan<float> initialH,
        Span<float> y, Span<float> yH, Span<float> workspace,
        in RecurrentGeometry geometry, ReadOnlySpan<RecurrentActivation> activations, int gates, int activationsPerDirection)
    {
        geometry.Validate();
        RecurrentGeometry g = geometry;
        int directions = g.DirectionCount;
        long gateWidth = (long)gates * g.HiddenSize;
        SpanChecks.RequireLength(nameof(x), x.Length, (long)g.SequenceLength * g.BatchSize * g.InputSize, $"seq×batch×input = {g.SequenceLength}×{g.BatchSize}×{g.InputSize}");
        SpanChecks.RequireLength(nameof(w), w.Length, directions * gateWidth * g.InputSize, $"directions×(gates·hidden)×input = {directions}×{gateWidth}×{g.InputSize}");
        SpanChecks.RequireLength(nameof(r), r.Length, directions * gateWidth * g.HiddenSize, $"directions×(gates·hidden)×hidden = {directions}×{gateWidth}×{g.HiddenSize}");
        RequireEmptyOrLength(nameof(b), b.Length, directions * 2 * gateWidth, $"directions×(2·gates·hidden) = {directions}×{2 * gateWidth}");
        RequireEmptyOrLength(nameof(sequenceLengths), sequenceLengths.Length, g.BatchSize, "batch");
        RequireEmptyOrLength(nameof(initialH), initialH.Length, g.StateLength, $"directions×batch×hidden = {directions}×{g.BatchSize}×{g.HiddenSize}");
        RequireEmptyOrLength(nameof(y), y.Length, g.OutputLength, $"seq×directions×batch×hidden = {g.SequenceLength}×{directions}×{g.BatchSize}×{g.HiddenSize}");
        RequireEmptyOrLength(nameof(yH), yH.Length, g.StateLength, $"directions×batch×hidden = {directions}×{g.BatchSize}×{g.HiddenSize}");
        SpanChecks.RequireAtLeast(nameof(workspace), workspace.Length, WorkspaceLength(g, gates), "the operator's workspace length for the geometry");
        if (activations.Length != directions * activationsPerDirection)
        {
            throw new ArgumentException(
                $"Invalid number of activations: expected {directions * activationsPerDirection} ({activationsPerDirection} for each of {directions} directions), but got {activations.Length}.",
                nameof(activations));
        }

        for (int batch = 0; batch < sequenceLengths.Length; batch++)
        {
            float length = sequenceLengths[batch];
            if (!(length >= 1f && length <= g.SequenceLength) || length != MathF.Floor(length))
            {
                throw new ArgumentException(
                    $"Invalid sequence length {length} for sequence {batch}: each length must be an integer from 1 to the sequence length {g.SequenceLength}.",
                    nameof(sequenceLengths));
            }
        }
    }

    internal static void RequireEmptyOrLength(string name, int actual, long expected, string shape)
    {
        if (actual != 0)
        {
            SpanChecks.RequireLength(name, actual, expected, shape);
        }
    }

    /// <summary>The valid time steps of sequence <paramref name="batch"/>: all of them when no lengths are given.</summary>
    private static int ValidSteps(ReadOnlySpan<float> sequenceLengths, int batch, int sequenceLength) =>
        sequenceLengths.IsEmpty ? sequenceLength : (int)sequenceLengths[batch];

    /// <summary>
    /// The time step that sequence <paramref name="batch"/> computes at its <paramref name="iteration"/>-th step, or −1
    /// when the sequence has ended. A reverse direction starts at the sequence's own last valid step.
    /// </summary>
    private static int TimeStep(ReadOnlySpan<float> sequenceLengths, in RecurrentGeometry geometry, int direction, int batch, int iteration)
    {
        int validSteps = ValidSteps(sequenceLengths, batch, geometry.SequenceLength);
        if (iteration >= validSteps)
        {
            return -1;
        }

        return geometry.IsReverse(direction) ? validSteps - 1 - iteration : iteration;
    }

    /// <summary>
    /// Computes the projection of one direction: row p of X times Wᵀ plus the bias row, for every row p. The bias row
    /// is Wb + Rb for each gate, except that gate <paramref name="gateWithoutRecurrentBias"/> gets Wb only (−1 for none),
    /// because GRU with linear_before_reset adds its Rb inside the reset product.
    /// </summary>
    private static void Project(
        ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> b, in RecurrentGeometry geometry,
        int direction, int gates, int gateWithoutRecurrentBias, Buffers buffers)
    {
        int hidden = geometry.HiddenSize;
        int gateWidth = gates * hidden;
        Span<float> biasSum = buffers.BiasSum;
        biasSum.Clear();
        if (!b.IsEmpty)
        {
            ReadOnlySpan<float> inputBias = b.Slice(direction * 2 * gateWidth, gateWidth);
            ReadOnlySpan<float> recurrentBias = b.Slice(direction * 2 * gateWidth + gateWidth, gateWidth);
            for (int gate = 0; gate < gates; gate++)
            {
                bool addRecurrent = gate != gateWithoutRecurrentBias;
                for (int j = gate * hidden; j < (gate + 1) * hidden; j++)
                {
                    biasSum[j] = addRecurrent ? inputBias[j] + recurrentBias[j] : inputBias[j];
                }
            }
        }

        int rows = geometry.SequenceLength * geometry.BatchSize;
        Dense.Gemm(
            x, w.Slice(direction * gateWidth * geometry.InputSize, gateWidth * geometry.InputSize), biasSum, buffers.Projection,
            m: rows, n: gateWidth, k: geometry.InputSize, transA: false, transB: true, alpha: 1f, beta: 1f, cRows: 1, cColumns: gateWidth);
    }

    /// <summary>Computes the product of the hidden states (batch×hidden) with the first <paramref name="gateWidth"/> rows of R transposed.</summary>
    private static void MultiplyRecurrent(ReadOnlySpan<float> hidden, ReadOnlySpan<float> recurrentWeights, Span<float> product, int batch, int hiddenSize, int gateWidth) =>
        Dense.Gemm(
            hidden, recurrentWeights.Slice(0, gateWidth * hiddenSize), default, product.Slice(0, batch * gateWidth),
            m: batch, n: gateWidth, k: hiddenSize, transA: false, transB: true, alpha: 1f, beta: 0f, cRows: 1, cColumns: 1);

    /// <summary>Copies the initial state of one direction (or zeros when it is not given) into <paramref name="state"/>.</summary>
    private static void LoadState(ReadOnlySpan<float> initial, Span<float> state, in RecurrentGeometry geometry, int direction)
    {
        int hidden = geometry.HiddenSize;
        for (int batch = 0; batch < geometry.BatchSize; batch++)
        {
            Span<float> row = state.Slice(batch * hidden, hidden);
            if (initial.IsEmpty)
            {
                row.Clear();
            }
            else
            {
                initial.Slice(geometry.StateOffset(direction, batch), hidden).CopyTo(row);
            }
        }
    }

    /// <summary>Copies the final state of one direction into the output <paramref name="output"/>, unless it is empty.</summary>
    private static void StoreState(ReadOnlySpan<float> state, Span<float> output, in RecurrentGeometry geometry, int direction)
    {
        if (output.IsEmpty)
        {
            return;
        }

        int hidden = geometry.HiddenSize;
        for (int batch = 0; batch < geometry.BatchSize; batch++)
        {
            state.Slice(batch * hidden, hidden).CopyTo(output.Slice(geometry.StateOffset(direction, batch), hidden));
        }
    }

    /// <summary>Computes target[j] += addend[j].</summary>
    private static void Add(Span<float> target, ReadOnlySpan<float> addend)
    {
        for (int j = 0; j < target.Length; j++)
        {
            target[j] += addend[j];
        }
    }

    /// <summary>Computes target[j] += left[j]·right[j].</summary>
    private static void AddProduct(Span<float> target, ReadOnlySpan<float> left, ReadOnlySpan<float> right)
    {
        for (int j = 0; j < target.Length; j++)
        {
            target[j] += left[j] * right[j];
        }
    }

    /// <summary>Bounds the values to [−clip, clip]. A clip of +∞ leaves them as they are.</summary>
    private static void Clip(Span<float> values, float clip)
    {
        if (!float.IsPositiveInfinity(clip))
        {
            Activation.Clip(values, values, -clip, clip);
        }
    }
}
