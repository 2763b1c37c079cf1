using Kiln.Cpu;

namespace Kiln.Runtime.Tests.Cpu;

public class RecurrentTests
{
    private static readonly RecurrentActivation Sigmoid = new(RecurrentActivationKind.Sigmoid, 0f, 0f);
    private static readonly RecurrentActivation Tanh = new(RecurrentActivationKind.Tanh, 0f, 0f);

    [Fact]
    public void RnnTwoStepsHandWorked()
    {
        // One input, one hidden unit: h1 = tanh(0.5·1 + 0.1 + 0.2) = tanh(0.8), h2 = tanh(0.5·(−1) + 2·h1 + 0.3).
        var geometry = new RecurrentGeometry(SequenceLength: 2, BatchSize: 1, InputSize: 1, HiddenSize: 1, RecurrentDirection.Forward, BatchMajor: false, Clip: float.PositiveInfinity);
        float[] x = [1f, -1f];
        var y = new float[2];
        var yH = new float[1];

        Recurrent.Rnn(x, w: [0.5f], r: [2f], b: [0.1f, 0.2f], default, default, y, yH, new float[Recurrent.RnnWorkspaceLength(geometry)], geometry, [Tanh]);

        double h1 = Math.Tanh(0.8);
        double h2 = Math.Tanh(-0.5 + 2 * h1 + 0.3);
        CpuAssert.Close(new[] { h1, h2 }, y, 1e-6);
        CpuAssert.Close(new[] { h2 }, yH, 1e-6);
    }

    [Fact]
    public void LstmOneStepHandWorked()
    {
        // One input, one hidden unit, x = 2, H₀ = 0.5, C₀ = −1, weights per gate in the order i, o, f, c, and peepholes i, o, f.
        var geometry = new RecurrentGeometry(1, 1, 1, 1, RecurrentDirection.Forward, false, float.PositiveInfinity);
        float[] w = [0.1f, 0.2f, 0.3f, 0.4f];
        float[] r = [-0.5f, 0.6f, 0.7f, -0.8f];
        float[] b = [0.01f, 0.02f, 0.03f, 0.04f, 0.05f, 0.06f, 0.07f, 0.08f];
        float[] p = [0.9f, -0.3f, 0.2f];
        var y = new float[1];
        var yH = new float[1];
        var yC = new float[1];

        Recurrent.Lstm([2f], w, r, b, default, [0.5f], [-1f], p, y, yH, yC, new float[Recurrent.LstmWorkspaceLength(geometry)], geometry, [Sigmoid, Tanh, Tanh], inputForget: false);

        double i = Logistic(0.1 * 2 + -0.5 * 0.5 + 0.01 + 0.05 + 0.9 * -1);
        double f = Logistic(0.3 * 2 + 0.7 * 0.5 + 0.03 + 0.07 + 0.2 * -1);
        double c = Math.Tanh(0.4 * 2 + -0.8 * 0.5 + 0.04 + 0.08);
        double cell = f * -1 + i * c;
        double o = Logistic(0.2 * 2 + 0.6 * 0.5 + 0.02 + 0.06 + -0.3 * cell);
        double hidden = o * Math.Tanh(cell);
        CpuAssert.Close(new[] { hidden }, y, 1e-6);
        CpuAssert.Close(new[] { hidden }, yH, 1e-6);
        CpuAssert.Close(new[] { cell }, yC, 1e-6);
    }

    [Fact]
    public void LstmInputForgetCouplesGates()
    {
        // With input_forget the forget gate is 1 − i, so C₁ = (1 − i)·C₀ + i·c and the forget weights are unused.
        var geometry = new RecurrentGeometry(1, 1, 1, 1, RecurrentDirection.Forward, false, float.PositiveInfinity);
        float[] w = [0.1f, 0.2f, 99f, 0.4f];
        var yC = new float[1];

        Recurrent.Lstm([1f], w, r: [0f, 0f, 0f, 0f], default, default, default, [3f], default, default, default, yC, new float[Recurrent.LstmWorkspaceLength(geometry)], geometry, [Sigmoid, Tanh, Tanh], inputForget: true);

        double i = Logistic(0.1);
        double expected = (1 - i) * 3 + i * Math.Tanh(0.4);
        CpuAssert.Close(new[] { expected }, yC, 1e-6);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void GruOneStepHandWorked(bool linearBeforeReset)
    {
        // One input, one hidden unit, x = 1, H₀ = 2, gates z, r, h.
        var geometry = new RecurrentGeometry(1, 1, 1, 1, RecurrentDirection.Forward, false, float.PositiveInfinity);
        float[] w = [0.5f, -0.25f, 0.75f];
        float[] r = [0.1f, 0.2f, -0.3f];
        float[] b = [0.01f, 0.02f, 0.03f, 0.04f, 0.05f, 0.06f];
        var yH = new float[1];

        Recurrent.Gru([1f], w, r, b, default, [2f], default, yH, new float[Recurrent.GruWorkspaceLength(geometry)], geometry, [Sigmoid, Tanh], linearBeforeReset);

        double z = Logistic(0.5 + 0.1 * 2 + 0.01 + 0.04);
        double reset = Logistic(-0.25 + 0.2 * 2 + 0.02 + 0.05);
        double candidate = linearBeforeReset
            ? Math.Tanh(0.75 + reset * (-0.3 * 2 + 0.06) + 0.03)
            : Math.Tanh(0.75 + -0.3 * (reset * 2) + 0.06 + 0.03);
        double expected = (1 - z) * candidate + z * 2;
        CpuAssert.Close(new[] { expected }, yH, 1e-6);
    }

    public static TheoryData<RecurrentDirection, bool, bool> Variants => new()
    {
        { RecurrentDirection.Forward, false, false },
        { RecurrentDirection.Reverse, false, true },
        { RecurrentDirection.Bidirectional, false, true },
        { RecurrentDirection.Bidirectional, true, false },
        { RecurrentDirection.Forward, true, true },
    };

    [Theory]
    [MemberData(nameof(Variants))]
    public void LstmMatchesReference(RecurrentDirection direction, bool batchMajor, bool withLengths)
    {
        var problem = new Problem(direction, batchMajor, withLengths, gates: 4, seed: 11);
        float[] peepholes = CpuAssert.RandomValues(problem.Directions * 3 * Problem.Hidden, 5);
        float[] initialC = CpuAssert.RandomValues(problem.StateLength, 6);
        RecurrentActivation[] activations = Repeat(problem.Directions, Sigmoid, new(RecurrentActivationKind.ScaledTanh, 0.9f, 1.1f), Tanh);
        var y = new float[problem.OutputLength];
        var yH = new float[problem.StateLength];
        var yC = new float[problem.StateLength];

        Recurrent.Lstm(problem.X, problem.W, problem.R, problem.B, problem.Lengths, problem.InitialH, initialC, peepholes, y, yH, yC,
            new float[Recurrent.LstmWorkspaceLength(problem.Geometry)], problem.Geometry, activations, inputForget: false);

        (double[] expectedY, double[] expectedH, double[] expectedC) = problem.Reference((d, t, b, xRow, h, c) =>
        {
            double[] gates = problem.GateInputs(d, xRow, h);
            double[] nextH = new double[Problem.Hidden];
            double[] nextC = new double[Problem.Hidden];
            for (int j = 0; j < Problem.Hidden; j++)
            {
                double Peephole(int gate) => peepholes[(d * 3 + gate) * Problem.Hidden + j];
                double i = Logistic(Clip(gates[j] + Peephole(0) * c[j]));
                double f = Logistic(Clip(gates[2 * Problem.Hidden + j] + Peephole(2) * c[j]));
                double candidate = 0.9 * Math.Tanh(1.1 * Clip(gates[3 * Problem.Hidden + j]));
                nextC[j] = f * c[j] + i * candidate;
                double o = Logistic(Clip(gates[Problem.Hidden + j] + Peephole(1) * nextC[j]));
                nextH[j] = o * Math.Tanh(nextC[j]);
            }

            return (nextH, nextC);
        }, initialC);

        CpuAssert.Close(expectedY, y);
        CpuAssert.Close(expectedH, yH);
        CpuAssert.Close(expectedC, yC);
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void GruMatchesReference(RecurrentDirection direction, bool batchMajor, bool withLengths)
    {
        foreach (bool linearBeforeReset in new[] { false, true })
        {
            var problem = new Problem(direction, batchMajor, withLengths, gates: 3, seed: 23);
            RecurrentActivation[] activations = Repeat(problem.Directions, new(RecurrentActivationKind.HardSigmoid, 0.3f, 0.4f), Tanh);
            var y = new float[problem.OutputLength];
            var yH = new float[problem.StateLength];

            Recurrent.Gru(problem.X, problem.W, problem.R, problem.B, problem.Lengths, problem.InitialH, y, yH,
                new float[Recurrent.GruWorkspaceLength(problem.Geometry)], problem.Geometry, activations, linearBeforeReset);

            (double[] expectedY, double[] expectedH, _) = problem.Reference((d, t, b, xRow, h, c) =>
            {
                int hidden = Problem.Hidden;
                double[] nextH = new double[hidden];
                for (int j = 0; j < hidden; j++)
                {
                    double Input(int gate) => problem.Dot(problem.W, ((d * 3 + gate) * hidden + j) * Problem.Input, xRow, Problem.Input) + problem.B[d * 6 * hidden + gate * hidden + j];
                    double Recurrence(int gate, double[] state) => problem.Dot(problem.R, ((d * 3 + gate) * hidden + j) * hidden, state, hidden);
                    double RecurrentBias(int gate) => problem.B[d * 6 * hidden + (3 + gate) * hidden + j];
                    double HardSigmoid(double v) => Math.Max(0, Math.Min(1, 0.3 * v + 0.4));

                    double z = HardSigmoid(Clip(Input(0) + Recurrence(0, h) + RecurrentBias(0)));
                    double candidateInput;
                    if (linearBeforeReset)
                    {
                        double reset = HardSigmoid(Clip(Input(1) + Recurrence(1, h) + RecurrentBias(1)));
                        candidateInput = Input(2) + reset * (Recurrence(2, h) + RecurrentBias(2));
                    }
                    else
                    {
                        // (r ⊙ H)·Rhᵀ needs the reset gate of every hidden unit, not just unit j.
                        double[] resetHidden = new double[hidden];
                        for (int k = 0; k < hidden; k++)
                        {
                            double inputK = problem.Dot(problem.W, ((d * 3 + 1) * hidden + k) * Problem.Input, xRow, Problem.Input) + problem.B[d * 6 * hidden + hidden + k];
                            double recurrenceK = problem.Dot(problem.R, ((d * 3 + 1) * hidden + k) * hidden, h, hidden) + problem.B[d * 6 * hidden + 4 * hidden + k];
                            resetHidden[k] = HardSigmoid(Clip(inputK + recurrenceK)) * h[k];
                        }

                        candidateInput = Input(2) + Recurrence(2, resetHidden) + RecurrentBias(2);
                    }

                    double candidate = Math.Tanh(Clip(candidateInput));
                    nextH[j] = (1 - z) * candidate + z * h[j];
                }

                return (nextH, c);
            }, initialC: null);

            CpuAssert.Close(expectedY, y);
            CpuAssert.Close(expectedH, yH);
        }
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void RnnMatchesReference(RecurrentDirection direction, bool batchMajor, bool withLengths)
    {
        var problem = new Problem(direction, batchMajor, withLengths, gates: 1, seed: 37);
        RecurrentActivation[] activations = Repeat(problem.Directions, new RecurrentActivation(RecurrentActivationKind.LeakyRelu, 0.2f, 0f));
        var y = new float[problem.OutputLength];
        var yH = new float[problem.StateLength];

        Recurrent.Rnn(problem.X, problem.W, problem.R, problem.B, problem.Lengths, problem.InitialH, y, yH,
            new float[Recurrent.RnnWorkspaceLength(problem.Geometry)], problem.Geometry, activations);

        (double[] expectedY, double[] expectedH, _) = problem.Reference((d, t, b, xRow, h, c) =>
        {
            double[] gates = problem.GateInputs(d, xRow, h);
            double[] nextH = gates.Select(v => Clip(v) < 0 ? 0.2 * Clip(v) : Clip(v)).ToArray();
            return (nextH, c);
        }, initialC: null);

        CpuAssert.Close(expectedY, y);
        CpuAssert.Close(expectedH, yH);
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(4f)]
    [InlineData(1.5f)]
    public void SequenceLengthOutOfRangeThrows(float length)
    {
        var geometry = new RecurrentGeometry(3, 1, 1, 1, RecurrentDirection.Forward, false, float.PositiveInfinity);

        var exception = Assert.Throws<ArgumentException>(() => Recurrent.Rnn(
            new float[3], new float[1], new float[1], default, [length], default, new float[3], default,
            new float[Recurrent.RnnWorkspaceLength(geometry)], geometry, [Tanh]));

        Assert.Equal("sequenceLengths", exception.ParamName);
    }

    [Fact]
    public void WrongWeightLengthThrows()
    {
        var geometry = new RecurrentGeometry(2, 1, 3, 2, RecurrentDirection.Bidirectional, false, float.PositiveInfinity);

        var exception = Assert.Throws<ArgumentException>(() => Recurrent.Gru(
            new float[6], new float[2 * 6 * 3 - 1], new float[2 * 6 * 2], default, default, default, default, default,
            new float[Recurrent.GruWorkspaceLength(geometry)], geometry, [Sigmoid, Tanh, Sigmoid, Tanh], linearBeforeReset: false));

        Assert.Equal("w", exception.ParamName);
    }

    [Fact]
    public void WrongActivationCountThrows()
    {
        var geometry = new RecurrentGeometry(1, 1, 1, 1, RecurrentDirection.Bidirectional, false, float.PositiveInfinity);

        var exception = Assert.Throws<ArgumentException>(() => Recurrent.Rnn(
            new float[1], new float[2], new float[2], default, default, default, default, default,
            new float[Recurrent.RnnWorkspaceLength(geometry)], geometry, [Tanh]));

        Assert.Equal("activations", exception.ParamName);
    }

    [Theory]
    [InlineData(RecurrentActivationKind.Relu, 0f, 0f, -0.5, 0.0)]
    [InlineData(RecurrentActivationKind.Affine, 2f, 1f, -0.5, 0.0)]
    [InlineData(RecurrentActivationKind.ThresholdedRelu, 0.7f, 0f, 0.5, 0.0)]
    [InlineData(RecurrentActivationKind.ThresholdedRelu, 0.7f, 0f, 0.8, 0.8)]
    [InlineData(RecurrentActivationKind.Elu, 2f, 0f, -1.0, -1.2642411)]
    [InlineData(RecurrentActivationKind.Softsign, 0f, 0f, 3.0, 0.75)]
    [InlineData(RecurrentActivationKind.Softplus, 0f, 0f, 0.0, 0.6931472)]
    [InlineData(RecurrentActivationKind.HardSigmoid, 0.2f, 0.5f, 1.0, 0.7)]
    [InlineData(RecurrentActivationKind.ScaledTanh, 2f, 0.5f, 0.0, 0.0)]
    public void ActivationHandWorked(RecurrentActivationKind kind, float alpha, float beta, double input, double expected)
    {
        // An RNN with W = 1 and no recurrence gives f(x) directly.
        var geometry = new RecurrentGeometry(1, 1, 1, 1, RecurrentDirection.Forward, false, float.PositiveInfinity);
        var yH = new float[1];

        Recurrent.Rnn([(float)input], [1f], [0f], default, default, default, default, yH,
            new float[Recurrent.RnnWorkspaceLength(geometry)], geometry, [new RecurrentActivation(kind, alpha, beta)]);

        CpuAssert.Close(new[] { expected }, yH, 1e-6);
    }

    [Fact]
    public void ClipBoundsGateInputs()
    {
        // x·W = 5 is clipped to 2 before the identity-like Affine activation.
        var geometry = new RecurrentGeometry(1, 1, 1, 1, RecurrentDirection.Forward, false, Clip: 2f);
        var yH = new float[1];

        Recurrent.Rnn([5f], [1f], [0f], default, default, default, default, yH,
            new float[Recurrent.RnnWorkspaceLength(geometry)], geometry, [new RecurrentActivation(RecurrentActivationKind.Affine, 1f, 0f)]);

        Assert.Equal(2f, yH[0]);
    }

    private static double Logistic(double v) => 1 / (1 + Math.Exp(-v));

    /// <summary>The clip bound of the reference problems.</summary>
    private static double Clip(double v) => Math.Max(-Problem.ClipBound, Math.Min(Problem.ClipBound, v));

    private static RecurrentActivation[] Repeat(int directions, params RecurrentActivation[] perDirection) =>
        Enumerable.Repeat(perDirection, directions).SelectMany(list => list).ToArray();

    /// <summary>One step of a reference cell for direction d: returns the next hidden and cell state from xRow, H and C.</summary>
    private delegate (double[] Hidden, double[] Cell) ReferenceStep(int direction, int step, int batch, double[] xRow, double[] hidden, double[] cell);

    /// <summary>
    /// Random inputs and weights for a small recurrent problem (3 steps, 2 sequences, 3 inputs, 4 hidden units), and a
    /// reference that walks each sequence on its own in double precision with the tensors indexed by their ONNX shapes.
    /// </summary>
    private sealed class Problem
    {
        public const int Sequence = 3;
        public const int Batch = 2;
        public const int Input = 3;
        public const int Hidden = 4;
        public const float ClipBound = 1.5f;

        public Problem(RecurrentDirection direction, bool batchMajor, bool withLengths, int gates, int seed)
        {
            Directions = direction == RecurrentDirection.Bidirectional ? 2 : 1;
            Direction = direction;
            BatchMajor = batchMajor;
            Geometry = new RecurrentGeometry(Sequence, Batch, Input, Hidden, direction, batchMajor, ClipBound);
            X = CpuAssert.RandomValues(Sequence * Batch * Input, seed);
            W = CpuAssert.RandomValues(Directions * gates * Hidden * Input, seed + 1);
            R = CpuAssert.RandomValues(Directions * gates * Hidden * Hidden, seed + 2);
            B = CpuAssert.RandomValues(Directions * 2 * gates * Hidden, seed + 3);
            InitialH = CpuAssert.RandomValues(StateLength, seed + 4);
            Lengths = withLengths ? [2f, 3f] : [];
            Gates = gates;
        }

        public int Directions { get; }

        public RecurrentDirection Direction { get; }

        public bool BatchMajor { get; }

        public int Gates { get; }

        public RecurrentGeometry Geometry { get; }

        public float[] X { get; }

        public float[] W { get; }

        public float[] R { get; }

        public float[] B { get; }

        public float[] InitialH { get; }

        public float[] Lengths { get; }

        public int StateLength => Directions * Batch * Hidden;

        public int OutputLength => Sequence * StateLength;

        public double Dot(float[] matrix, int offset, double[] vector, int length)
        {
            double sum = 0;
            for (int k = 0; k < length; k++)
            {
                sum += matrix[offset + k] * vector[k];
            }

            return sum;
        }

        /// <summary>W·x + R·h + Wb + Rb for every gate row of direction d, unclipped.</summary>
        public double[] GateInputs(int d, double[] xRow, double[] h)
        {
            int rows = Gates * Hidden;
            var result = new double[rows];
            for (int row = 0; row < rows; row++)
            {
                result[row] = Dot(W, (d * rows + row) * Input, xRow, Input) + Dot(R, (d * rows + row) * Hidden, h, Hidden)
                    + B[d * 2 * rows + row] + B[d * 2 * rows + rows + row];
            }

            return result;
        }

        /// <summary>Runs <paramref name="cell"/> over every sequence and direction and lays out Y, Y_h and Y_c as ONNX does.</summary>
        public (double[] Y, double[] YH, double[] YC) Reference(ReferenceStep cell, float[]? initialC)
        {
            var y = new double[OutputLength];
            var yH = new double[StateLength];
            var yC = new double[StateLength];
            for (int d = 0; d < Directions; d++)
            {
                bool reverse = Direction == RecurrentDirection.Reverse || d == 1;
                for (int b = 0; b < Batch; b++)
                {
                    int length = Lengths.Length == 0 ? Sequence : (int)Lengths[b];
                    double[] h = State(InitialH, d, b);
                    double[] c = initialC is null ? new double[Hidden] : State(initialC, d, b);
                    for (int i = 0; i < length; i++)
                    {
                        int t = reverse ? length - 1 - i : i;
                        var xRow = new double[Input];
                        for (int k = 0; k < Input; k++)
                        {
                            xRow[k] = BatchMajor ? X[(b * Sequence + t) * Input + k] : X[(t * Batch + b) * Input + k];
                        }

                        (h, c) = cell(d, t, b, xRow, h, c);
                        for (int j = 0; j < Hidden; j++)
                        {
                            int index = BatchMajor ? ((b * Sequence + t) * Directions + d) * Hidden + j : ((t * Directions + d) * Batch + b) * Hidden + j;
                            y[index] = h[j];
                        }
                    }

                    for (int j = 0; j < Hidden; j++)
                    {
                        yH[StateIndex(d, b, j)] = h[j];
                        yC[StateIndex(d, b, j)] = c[j];
                    }
                }
            }

            return (y, yH, yC);
        }

        private int StateIndex(int d, int b, int j) => BatchMajor ? (b * Directions + d) * Hidden + j : (d * Batch + b) * Hidden + j;

        private double[] State(float[] tensor, int d, int b)
        {
            var state = new double[Hidden];
            for (int j = 0; j < Hidden; j++)
            {
                state[j] = tensor[StateIndex(d, b, j)];
            }

            return state;
        }
    }
}
