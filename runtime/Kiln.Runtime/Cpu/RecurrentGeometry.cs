namespace Kiln.Cpu;

/// <summary>The directions in which a recurrent operator runs over the sequence (the ONNX attribute <c>direction</c>).</summary>
public enum RecurrentDirection
{
    /// <summary>From the first time step to the last.</summary>
    Forward,

    /// <summary>From the last valid time step to the first.</summary>
    Reverse,

    /// <summary>Forward as direction 0 and reverse as direction 1, each with its own weights.</summary>
    Bidirectional,
}

/// <summary>
/// Sizes and options of an ONNX recurrent operator (RNN, GRU, LSTM). With <see cref="BatchMajor"/> false (ONNX
/// <c>layout</c> 0) X is [seq, batch, input], Y [seq, directions, batch, hidden] and the states [directions, batch, hidden];
/// with it true (<c>layout</c> 1) X is [batch, seq, input], Y [batch, seq, directions, hidden] and the states [batch, directions, hidden].
/// </summary>
/// <param name="SequenceLength">Time steps in X.</param>
/// <param name="BatchSize">Sequences in X.</param>
/// <param name="InputSize">Features of one time step.</param>
/// <param name="HiddenSize">Features of the hidden state.</param>
/// <param name="Direction">Forward, reverse or both.</param>
/// <param name="BatchMajor">Whether the tensors put the batch first (ONNX <c>layout</c> = 1).</param>
/// <param name="Clip">Bound applied to every gate's input before its activation, as [−Clip, Clip]; +∞ for none.</param>
public readonly record struct RecurrentGeometry(
    int SequenceLength, int BatchSize, int InputSize, int HiddenSize,
    RecurrentDirection Direction, bool BatchMajor, float Clip)
{
    /// <summary>1, or 2 for a bidirectional operator.</summary>
    public int DirectionCount => Direction == RecurrentDirection.Bidirectional ? 2 : 1;

    /// <summary>Whether direction <paramref name="direction"/> walks the sequence backwards.</summary>
    internal bool IsReverse(int direction) =>
        Direction == RecurrentDirection.Reverse || (Direction == RecurrentDirection.Bidirectional && direction == 1);

    /// <summary>Elements of one hidden or cell state: [directions, batch, hidden] in either layout.</summary>
    internal int StateLength => DirectionCount * BatchSize * HiddenSize;

    /// <summary>Elements of Y.</summary>
    internal int OutputLength => SequenceLength * StateLength;

    /// <summary>The row of X, and of its projection, that contains time step <paramref name="step"/> of sequence <paramref name="batch"/>.</summary>
    internal int InputRow(int step, int batch) => BatchMajor ? batch * SequenceLength + step : step * BatchSize + batch;

    /// <summary>Offset in Y of the hidden vector at (<paramref name="step"/>, <paramref name="direction"/>, <paramref name="batch"/>).</summary>
    internal int OutputOffset(int step, int direction, int batch) =>
        BatchMajor
            ? ((batch * SequenceLength + step) * DirectionCount + direction) * HiddenSize
            : ((step * DirectionCount + direction) * BatchSize + batch) * HiddenSize;

    /// <summary>Offset in a state tensor (initial_h, initial_c, Y_h, Y_c) of the vector for (<paramref name="direction"/>, <paramref name="batch"/>).</summary>
    internal int StateOffset(int direction, int batch) =>
        BatchMajor ? (batch * DirectionCount + direction) * HiddenSize : (direction * BatchSize + batch) * HiddenSize;

    /// <summary>Throws when a size is not positive or the clip bound is not positive.</summary>
    internal void Validate()
    {
        SpanChecks.RequirePositive(nameof(SequenceLength), SequenceLength, "geometry");
        SpanChecks.RequirePositive(nameof(BatchSize), BatchSize, "geometry");
        SpanChecks.RequirePositive(nameof(InputSize), InputSize, "geometry");
        SpanChecks.RequirePositive(nameof(HiddenSize), HiddenSize, "geometry");
        if (!(Clip > 0f))
        {
            throw new ArgumentOutOfRangeException("geometry", Clip, "geometry.Clip must be positive (+∞ for no clipping).");
        }
    }
}
