using System;
using System.Collections.Generic;
using System.Linq;
using Kiln.Compiler.Emit;
using Kiln.Compiler.Graph;

namespace Kiln.Compiler.Operators;

/// <summary>
/// Writes the GPU kernels that RNN, GRU and LSTM share, and the launches of their step. The step first computes the
/// input projection X·Wᵀ + biases of every time step and direction as one tiled product, then loads the initial
/// states. Each time step is then one launch (GRU without linear_before_reset needs two) of a kernel with one thread
/// for each direction, sequence and hidden unit. A last kernel copies the final states to Y_h and Y_c.
/// </summary>
/// <remarks>
/// A launch takes no arguments, so a time step finds its iteration in a counter in the workspace. The kernels of
/// even iterations read counter slot 0 and write slot 1, and odd iterations the reverse, so no thread writes a slot
/// that another thread of the same launch reads. The hidden state alternates between two copies the same way, because
/// every unit of a time step reads the whole previous hidden state of its sequence.
/// </remarks>
internal sealed class RecurrentGpuEmitter
{
    private const int YOutput = 0;

    private const int YHOutput = 1;

    private readonly Node _node;
    private readonly RecurrentSizes _sizes;
    private readonly int _gates;
    private readonly string _direction;
    private readonly float _clip;
    private readonly RecurrentActivation[] _activations;
    private readonly int _activationsPerDirection;
    private readonly long[]? _constantLengths;
    private readonly string? _lengthsView;

    public RecurrentGpuEmitter(
        Node node, GpuEmitContext context, RecurrentSizes sizes, int gates, RecurrentGpuWorkspace workspace,
        string direction, float clip, RecurrentActivation[] activations, string? sequenceLengths)
    {
        _node = node;
        Context = context;
        _sizes = sizes;
        _gates = gates;
        Workspace = workspace;
        _direction = direction;
        _clip = clip;
        _activations = activations;
        _activationsPerDirection = activations.Length / sizes.Directions;
        if (sequenceLengths is not null)
        {
            // Lengths known at build time become literals; lengths that all cover the sequence need no check at all.
            _constantLengths = context.Shapes.Tensor(sequenceLengths).IntegerValues;
            if (_constantLengths is null)
            {
                _lengthsView = context.Read(node, sequenceLengths);
            }
            else if (_constantLengths.All(length => length == sizes.Sequence))
            {
                _constantLengths = null;
            }
        }
    }

    public GpuEmitContext Context { get; }

    public RecurrentGpuWorkspace Workspace { get; }

    /// <summary>The hidden size.</summary>
    public int Hidden => _sizes.Hidden;

    private SourceWriter Writer => Context.Writer;

    private int StateLength => Workspace.StateLength;

    private int GateWidth => _gates * _sizes.Hidden;

    private int Rows => _sizes.Sequence * _sizes.Batch;

    /// <summary>Whether some sequence may end before the last time step.</summary>
    private bool LengthsVary => _constantLengths is not null || _lengthsView is not null;

    /// <summary>
    /// Writes the kernel of the input projection: for each direction, every row of X times Wᵀ plus the biases, one
    /// tiled product. <paramref name="bias"/> names B, or is null for zero biases, and
    /// <paramref name="gateWithoutRecurrentBias"/> is the gate whose bias leaves out Rb, or −1.
    /// </summary>
    public void EmitProjection(string? bias, int gateWithoutRecurrentBias)
    {
        string gemm = $"{GpuEmitContext.Runtime}TiledGemm";
        Writer.Comment(gateWithoutRecurrentBias < 0
            ? "The input projection X·Wᵀ + Wb + Rb of every time step and direction, which the time steps read."
            : "The input projection X·Wᵀ + Wb + Rb of every time step and direction, which the time steps read; gate h gets Wb only.");
        using (Context.Kernel(_node, "Projection", $"{gemm}.Tiles(batches: {_sizes.Directions}, m: {Rows}, n: {GateWidth})"))
        {
            Writer.Line($"var operands = new {GpuEmitContext.Runtime}RecurrentProjectionOperands");
            Writer.Line("{");
            Writer.Line($"    X = {Context.ReadInput(_node, 0)},");
            Writer.Line($"    W = {Context.ReadInput(_node, 1)},");
            Writer.Line(bias is null ? "    B = default," : $"    B = {Context.Read(_node, bias)},");
            Writer.Line($"    Projection = {Context.Workspace(0, Workspace.ProjectionLength)},");
            Writer.Line($"    HasBias = {Literals.Bool(bias is not null)}, Rows = {Rows}, Input = {_sizes.Input}, GateWidth = {GateWidth}, Hidden = {_sizes.Hidden},");
            Writer.Line($"    GateWithoutRecurrentBias = {gateWithoutRecurrentBias},");
            Writer.Line("};");
            Writer.Line($"{gemm}.Run(operands, batches: {_sizes.Directions}, m: {Rows}, n: {GateWidth}, k: {_sizes.Input});");
        }
    }

    /// <summary>
    /// Writes the kernel that zeroes the time-step counter and loads the initial hidden state
    /// <paramref name="initialHidden"/> and the initial values of the extra buffers in
    /// <paramref name="initialBuffers"/>, such as LSTM's cell state from initial_c. A null initial state means zeros.
    /// </summary>
    public void EmitStart(string? initialHidden, IReadOnlyList<(int Buffer, string? Initial)> initialBuffers)
    {
        var targets = new List<(string Local, string View, string? Initial)>
        {
            ("hidden", Context.Workspace(Workspace.HiddenStateOffset(0), StateLength), initialHidden),
        };
        foreach ((int buffer, string? initial) in initialBuffers)
        {
            targets.Add(($"buffer{buffer}", Context.Workspace(Workspace.BufferOffset(buffer), StateLength), initial));
        }

        Writer.Line();
        Writer.Comment("Zero the time-step counter and load the initial states.");
        using (Context.Kernel(_node, "Start", GpuEmitContext.GroupsFor(StateLength)))
        {
            Writer.Line($"{GpuEmitContext.View} counter = {Context.Workspace(Workspace.CounterOffset, 2)};");
            foreach ((string local, string view, string? initial) in targets)
            {
                Writer.Line($"{GpuEmitContext.View} {local} = {view};");
                if (initial is not null)
                {
                    Writer.Line($"{GpuEmitContext.View} {local}Initial = {Context.Read(_node, initial)};");
                }
            }

            using (Writer.Open($"if ({GpuEmitContext.Runtime}GridStride.Start == 0)"))
            {
                Writer.Line("counter[0] = 0f;");
            }

            Writer.Line();
            using (StateLoop(declareUnit: _sizes.BatchMajor && targets.Any(target => target.Initial is not null)))
            {
                foreach ((string local, _, string? initial) in targets)
                {
                    Writer.Line(initial is null ? $"{local}[i] = 0f;" : $"{local}[i] = {local}Initial[{StateIndex()}];");
                }
            }
        }
    }

    /// <summary>
    /// Writes the kernels of an even and of an odd time step through <paramref name="emitTimeStep"/>, which takes the
    /// parity, and launches them in turn for every time step.
    /// </summary>
    public void EmitTimeSteps(Action<int> emitTimeStep)
    {
        List<(string Kernel, string Groups, bool SpansObservations)> launches = Context.Launches[Context.Launches.Count - 1];
        int evenStart = launches.Count;
        emitTimeStep(0);
        int oddStart = launches.Count;
        if (_sizes.Sequence > 1)
        {
            emitTimeStep(1);
        }

        var even = launches.GetRange(evenStart, oddStart - evenStart);
        var odd = launches.GetRange(oddStart, launches.Count - oddStart);
        launches.RemoveRange(evenStart, launches.Count - evenStart);
        for (int iteration = 0; iteration < _sizes.Sequence; iteration++)
        {
            launches.AddRange(iteration % 2 == 0 ? even : odd);
        }
    }

    /// <summary>
    /// Writes the kernel that copies the final hidden state to Y_h and the extra buffers that
    /// <paramref name="finalBuffers"/> pairs with an output position, such as LSTM's cell state with Y_c. Writes
    /// nothing when the node names none of those outputs.
    /// </summary>
    public void EmitStore(IReadOnlyList<(int Buffer, int Output)> finalBuffers)
    {
        // After the last time step the state is in the copy that the next time step would read.
        var copies = new List<(string Source, int Output)> { (Context.Workspace(Workspace.HiddenStateOffset(_sizes.Sequence % 2), StateLength), YHOutput) };
        copies.AddRange(finalBuffers.Select(pair => (Context.Workspace(Workspace.BufferOffset(pair.Buffer), StateLength), pair.Output)));
        copies = copies.Where(copy => HasOutput(copy.Output)).ToList();
        if (copies.Count == 0)
        {
            return;
        }

        Writer.Line();
        Writer.Comment("Copy the final states to the outputs.");
        using (Context.Kernel(_node, "Store", GpuEmitContext.GroupsFor(StateLength)))
        {
            for (int copy = 0; copy < copies.Count; copy++)
            {
                Writer.Line($"{GpuEmitContext.View} state{copy} = {copies[copy].Source};");
                Writer.Line($"{GpuEmitContext.View} output{copy} = {Context.WriteOutput(_node, copies[copy].Output)};");
            }

            using (StateLoop(declareUnit: _sizes.BatchMajor))
            {
                for (int copy = 0; copy < copies.Count; copy++)
                {
                    Writer.Line($"output{copy}[{StateIndex()}] = state{copy}[i];");
                }
            }
        }
    }

    /// <summary>
    /// Writes a time-step kernel of parity <paramref name="parity"/>, whose per-unit body <paramref name="body"/>
    /// writes. <paramref name="description"/> states what it computes, for the comment above it. The body has the locals <c>i</c> (the unit's place
    /// in the state), <c>unit</c>, <c>sequence</c>, <c>direction</c>, <c>step</c> (the time step), <c>gates</c> (the
    /// unit's first gate in the projection), <c>state</c> (the sequence's first unit in the state) and
    /// <c>weightRow</c> (the unit's first gate row in R), and the views <c>projection</c>, <c>r</c>,
    /// <c>hidden</c> (the previous hidden state) and the ones in <paramref name="views"/>.
    /// </summary>
    /// <param name="writesState">
    /// Whether the kernel computes the next hidden state (<c>nextHidden</c>) and advances the counter. A sequence that
    /// has ended keeps its state there, and its Y is zero. A kernel that does not write the state skips such sequences.
    /// </param>
    public void TimeStepKernel(string purpose, string description, int parity, bool writesState, IEnumerable<(string Local, string View)> views, Action body)
    {
        string name = purpose + (parity == 0 ? "Even" : "Odd");
        Writer.Line();
        Writer.Comment($"{(parity == 0 ? "Even" : "Odd")} iterations: {description}, one thread for each direction, sequence and hidden unit.");
        using (Context.Kernel(_node, name, GpuEmitContext.GroupsFor(StateLength)))
        {
            WriteTimeStep(parity, writesState, views, body);
        }
    }

    private void WriteTimeStep(int parity, bool writesState, IEnumerable<(string Local, string View)> views, Action body)
    {
        var allViews = new List<(string Local, string View)>
        {
            ("projection", Context.Workspace(0, Workspace.ProjectionLength)),
            ("r", Context.ReadInput(_node, 2)),
            ("counter", Context.Workspace(Workspace.CounterOffset, 2)),
            ("hidden", Context.Workspace(Workspace.HiddenStateOffset(parity), StateLength)),
        };
        if (writesState)
        {
            allViews.Add(("nextHidden", Context.Workspace(Workspace.HiddenStateOffset(1 - parity), StateLength)));
            if (HasOutput(YOutput))
            {
                allViews.Add(("y", Context.WriteOutput(_node, 0)));
            }
        }

        if (_lengthsView is not null)
        {
            allViews.Add(("sequenceLengths", _lengthsView));
        }

        allViews.AddRange(views);
        foreach ((string local, string view) in allViews)
        {
            Writer.Line($"{GpuEmitContext.View} {local} = {view};");
        }

        Writer.Line();
        Writer.Line($"int iteration = (int)counter[{parity}];");
        if (writesState)
        {
            using (Writer.Open($"if ({GpuEmitContext.Runtime}GridStride.Start == 0)"))
            {
                Writer.Line($"counter[{1 - parity}] = iteration + 1;");
            }
        }

        Writer.Line();
        using (StateLoop(declareUnit: true))
        {
            WriteUnitLocals(writesState);
            body();
        }
    }

    /// <summary>Writes the locals of a time-step kernel's unit, and what a unit of an ended sequence does instead.</summary>
    private void WriteUnitLocals(bool writesState)
    {
        if (LengthsVary)
        {
            WriteLength();
            using (Writer.Open("if (iteration >= length)"))
            {
                if (writesState)
                {
                    Writer.Comment("The sequence has ended: it keeps its state, and Y is zero from its end on.");
                    Writer.Line("nextHidden[i] = hidden[i];");
                    if (HasOutput(YOutput))
                    {
                        Writer.Line($"y[{OutputIndex("iteration")}] = 0f;");
                    }
                }

                Writer.Line("continue;");
            }

            Writer.Line();
        }

        string length = LengthsVary ? "length" : Literals.Int(_sizes.Sequence);
        string reverseStep = $"{length} - 1 - iteration";
        switch (_direction)
        {
            case "Forward":
                Writer.Line("int step = iteration;");
                break;
            case "Reverse":
                Writer.Line($"int step = {reverseStep};");
                break;
            default:
                Writer.Line($"int step = direction == 0 ? iteration : {reverseStep};");
                break;
        }

        string row = _sizes.BatchMajor ? $"(sequence * {_sizes.Sequence}) + step" : $"(step * {_sizes.Batch}) + sequence";
        Writer.Line($"int gates = (((direction * {Rows}) + {row}) * {GateWidth}) + unit;");
        Writer.Line($"int state = ((direction * {_sizes.Batch}) + sequence) * {_sizes.Hidden};");
        Writer.Line($"int weightRow = ((direction * {GateWidth}) + unit) * {_sizes.Hidden};");
        Writer.Line();
    }

    /// <summary>
    /// Writes the loop that adds to each accumulator in <paramref name="sums"/> the product of a gate's row of R with
    /// the state in the view <paramref name="stateView"/>: one pass over the sequence's state for all gates.
    /// </summary>
    public void DotProducts(string stateView, params (string Local, int Gate)[] sums)
    {
        // NOTE: each thread walks its own rows of R, so neighboring threads read floats one hidden size apart and
        // the reads are not coalesced. A transposed copy of R would coalesce them; no GPU has measured the cost yet.
        int hidden = _sizes.Hidden;
        using (Writer.Open($"for (int k = 0; k < {hidden}; k++)"))
        {
            Writer.Line($"float previous = {stateView}[state + k];");
            foreach ((string local, int gate) in sums)
            {
                string offset = gate == 0 ? string.Empty : $"{Literals.Int((long)gate * hidden * hidden)} + ";
                Writer.Line($"{local} += previous * r[weightRow + {offset}k];");
            }
        }

        Writer.Line();
    }

    /// <summary>
    /// Writes the code that <paramref name="body"/> writes for a direction once, or once for each direction inside
    /// <c>if (direction == 0)</c> when the two directions of a bidirectional node have different activations.
    /// </summary>
    public void PerDirection(Action<int> body)
    {
        bool same = _sizes.Directions == 1 || _activations.Take(_activationsPerDirection).SequenceEqual(_activations.Skip(_activationsPerDirection));
        if (same)
        {
            body(0);
            return;
        }

        using (Writer.Open("if (direction == 0)"))
        {
            body(0);
        }

        using (Writer.Open("else"))
        {
            body(1);
        }
    }

    /// <summary>
    /// Writes the lines that bound the local <paramref name="local"/> by the clip attribute, when the node has one, and
    /// apply activation number <paramref name="function"/> of <paramref name="direction"/> to it.
    /// </summary>
    public void ClipAndActivate(string local, int direction, int function)
    {
        if (!float.IsPositiveInfinity(_clip))
        {
            string bound = Literals.Float(_clip);
            // Comparisons rather than MathF.Min and Max, which compile to PTX min and max: those drop a NaN operand.
            Writer.Line($"{local} = {local} < -{bound} ? -{bound} : {local} > {bound} ? {bound} : {local};");
        }

        Activate(local, direction, function);
    }

    /// <summary>Writes the line that applies activation number <paramref name="function"/> of <paramref name="direction"/> to the local <paramref name="local"/>.</summary>
    public void Activate(string local, int direction, int function)
    {
        RecurrentActivation activation = _activations[(direction * _activationsPerDirection) + function];
        Writer.Line($"{local} = {ActivationExpression(activation, local)};");
    }

    /// <summary>Writes the lines that store the local or expression <paramref name="value"/> as the unit's next hidden state and in Y.</summary>
    public void WriteHidden(string value)
    {
        Writer.Line($"float next = {value};");
        Writer.Line("nextHidden[i] = next;");
        if (HasOutput(YOutput))
        {
            Writer.Line($"y[{OutputIndex("step")}] = next;");
        }
    }

    /// <summary>
    /// The expression of <paramref name="activation"/> applied to the local <paramref name="x"/>, the same function as
    /// the CPU path's scalar form except that Elu uses float and Tanh, Sigmoid and Elu use MathF's exponential.
    /// </summary>
    private static string ActivationExpression(RecurrentActivation activation, string x)
    {
        string alpha = Literals.Float(activation.Alpha);
        string beta = Literals.Float(activation.Beta);
        const string math = "global::System.MathF";
        switch (activation.Kind)
        {
            case "Relu":
                return $"{x} < 0f ? 0f : {x}";
            case "Tanh":
                return $"{math}.Tanh({x})";
            case "Sigmoid":
                return $"1f / (1f + {math}.Exp(-{x}))";
            case "Affine":
                return $"({alpha} * {x}) + {beta}";
            case "LeakyRelu":
                return $"{x} < 0f ? {alpha} * {x} : {x}";
            case "ThresholdedRelu":
                return $"{x} > {alpha} ? {x} : 0f";
            case "ScaledTanh":
                return $"{alpha} * {math}.Tanh({beta} * {x})";
            case "HardSigmoid":
                return $"{math}.Max(0f, {math}.Min(1f, ({alpha} * {x}) + {beta}))";
            case "Elu":
                return $"{x} < 0f ? {alpha} * ({math}.Exp({x}) - 1f) : {x}";
            case "Softsign":
                return $"{x} / (1f + {math}.Abs({x}))";
            case "Softplus":
                return $"{CpuEmitContext.Kernels}SoftplusOperator.Apply({x})";
            default:
                throw new InvalidOperationException($"The recurrent activation {activation.Kind} has no GPU expression.");
        }
    }

    /// <summary>
    /// Opens the grid-stride loop over the state, with the locals <c>unit</c>, <c>sequence</c> and <c>direction</c> of
    /// element <c>i</c> when <paramref name="declareUnit"/>.
    /// </summary>
    private SourceWriter.Block StateLoop(bool declareUnit)
    {
        SourceWriter.Block loop = Writer.Open($"for (int i = {GpuEmitContext.Runtime}GridStride.Start; i < {StateLength}; i += {GpuEmitContext.Runtime}GridStride.Step)");
        if (!declareUnit)
        {
            return loop;
        }

        Writer.Line($"int unit = i % {_sizes.Hidden};");
        Writer.Line($"int sequence = i / {_sizes.Hidden} % {_sizes.Batch};");
        Writer.Line($"int direction = i / {_sizes.Batch * _sizes.Hidden};");
        return loop;
    }

    /// <summary>Writes the local <c>length</c>: the valid time steps of <c>sequence</c>.</summary>
    private void WriteLength()
    {
        if (_constantLengths is not null)
        {
            string arms = string.Join(", ", _constantLengths.Take(_constantLengths.Length - 1).Select((length, sequence) => $"{sequence} => {length}"));
            string last = Literals.Int(_constantLengths[_constantLengths.Length - 1]);
            Writer.Line(arms.Length == 0 ? $"int length = {last};" : $"int length = sequence switch {{ {arms}, _ => {last} }};");
            return;
        }

        // NOTE: a kernel cannot throw, so a length outside 1 to the sequence length, which the CPU path rejects, is
        // clamped to 0 to the sequence length here.
        Writer.Line($"int length = global::System.Math.Min(global::System.Math.Max((int)sequenceLengths[sequence], 0), {_sizes.Sequence});");
    }

    /// <summary>The index in initial_h, Y_h and the other state tensors of the unit at element <c>i</c> of the workspace state.</summary>
    private string StateIndex() =>
        _sizes.BatchMajor ? $"(((sequence * {_sizes.Directions}) + direction) * {_sizes.Hidden}) + unit" : "i";

    /// <summary>The index in Y of the unit at time step <paramref name="step"/>.</summary>
    private string OutputIndex(string step) =>
        _sizes.BatchMajor
            ? $"(((((sequence * {_sizes.Sequence}) + {step}) * {_sizes.Directions}) + direction) * {_sizes.Hidden}) + unit"
            : $"(((({step} * {_sizes.Directions}) + direction) * {_sizes.Batch} + sequence) * {_sizes.Hidden}) + unit";

    private bool HasOutput(int position) => position < _node.Outputs.Count && _node.Outputs[position].Length > 0;
}
