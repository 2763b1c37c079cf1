using System.Collections.Generic;
using System.Linq;
using Kiln.Compiler.Emit;
using Kiln.Compiler.Graph;

namespace Kiln.Compiler.Operators;

/// <summary>The recurrent operators, listed for <see cref="OperatorRegistry"/>.</summary>
internal static class RecurrentOperators
{
    public static IEnumerable<Operator> All => new Operator[]
    {
        new RnnOperator(),
        new GruOperator(),
        new LstmOperator(),
    };
}

/// <summary>RNN (opsets 7–17): Hₜ = f(Xₜ·Wᵀ + Hₜ₋₁·Rᵀ + Wb + Rb), f Tanh by default.</summary>
internal sealed partial class RnnOperator : RecurrentOperator
{
    public RnnOperator()
        : base("RNN", gates: 1, defaultActivations: new[] { "Tanh" })
    {
    }

    protected override string KernelMethod => "Rnn";
}

/// <summary>GRU (opsets 7–17): update, reset and hidden gates (z, r, h), f Sigmoid and g Tanh by default.</summary>
internal sealed partial class GruOperator : RecurrentOperator
{
    public GruOperator()
        : base("GRU", gates: 3, defaultActivations: new[] { "Sigmoid", "Tanh" })
    {
    }

    protected override string KernelMethod => "Gru";

    protected override void CheckAttributes(Node node, ShapeContext context) => LinearBeforeReset(node, context);

    protected override string ExtraArguments(Node node, ShapeContext context) =>
        $", linearBeforeReset: {Literals.Bool(LinearBeforeReset(node, context))}";

    public override string DescribeAttributes(Node node, ShapeContext context) =>
        base.DescribeAttributes(node, context) + $", linear_before_reset {(LinearBeforeReset(node, context) ? 1 : 0)}";

    private static bool LinearBeforeReset(Node node, ShapeContext context) => Flag(node, context, "linear_before_reset");
}

/// <summary>
/// LSTM (opsets 7–17): input, output, forget and cell gates (i, o, f, c), with optional peepholes and coupled input
/// and forget gates. The defaults are f Sigmoid, g and h Tanh. Its third output is the last cell state Y_c.
/// </summary>
internal sealed partial class LstmOperator : RecurrentOperator
{
    public LstmOperator()
        : base("LSTM", gates: 4, defaultActivations: new[] { "Sigmoid", "Tanh", "Tanh" })
    {
    }

    protected override string KernelMethod => "Lstm";

    protected override bool HasCellState => true;

    protected override void CheckAttributes(Node node, ShapeContext context) => InputForget(node, context);

    protected override void CheckCellInputs(Node node, ShapeContext context, RecurrentSizes sizes)
    {
        CheckOptional(node, context, InitialCInput, "initial_c", sizes.StateShape);
        CheckOptional(node, context, PeepholesInput, "P", new[] { sizes.Directions, 3 * sizes.Hidden });
    }

    protected override string ExtraInputs(Node node, CpuEmitContext context) =>
        $", initialC: {context.ReadOptionalInput(node, InitialCInput)}, peepholes: {context.ReadOptionalInput(node, PeepholesInput)}";

    protected override string ExtraOutputs(Node node, CpuEmitContext context) => $", yC: {OptionalOutput(node, context, 2)}";

    protected override string ExtraArguments(Node node, ShapeContext context) => $", inputForget: {Literals.Bool(InputForget(node, context))}";

    public override string DescribeAttributes(Node node, ShapeContext context) =>
        base.DescribeAttributes(node, context) + $", input_forget {(InputForget(node, context) ? 1 : 0)}";

    private const int PeepholesInput = 7;

    private static bool InputForget(Node node, ShapeContext context) => Flag(node, context, "input_forget");
}

/// <summary>The sizes of a recurrent node: sequence, batch, input and hidden sizes, the direction count and the layout.</summary>
internal sealed record RecurrentSizes(int Sequence, int Batch, int Input, int Hidden, int Directions, bool BatchMajor)
{
    /// <summary>The shape of initial_h, initial_c, Y_h and Y_c.</summary>
    public int[] StateShape => BatchMajor ? new[] { Batch, Directions, Hidden } : new[] { Directions, Batch, Hidden };

    /// <summary>The shape of Y.</summary>
    public int[] OutputShape => BatchMajor ? new[] { Batch, Sequence, Directions, Hidden } : new[] { Sequence, Directions, Batch, Hidden };
}

/// <summary>
/// What RNN, GRU and LSTM share: the inputs X, W, R, B, sequence_lens and initial_h, the outputs Y and Y_h, and the
/// attributes direction, hidden_size, activations with their alphas and betas, clip and layout. LSTM adds the inputs
/// initial_c and P and the output Y_c.
/// </summary>
internal abstract partial class RecurrentOperator : Operator
{
    /// <summary>B, the biases.</summary>
    protected const int BiasInput = 3;

    private const int SequenceLengthsInput = 4;

    private const int InitialHInput = 5;

    /// <summary>LSTM's initial_c.</summary>
    protected const int InitialCInput = 6;

    /// <summary>The opset that added the <c>layout</c> attribute.</summary>
    private const int LayoutOpset = 14;

    private readonly int _gates;
    private readonly string[] _defaultActivations;

    protected RecurrentOperator(string opType, int gates, string[] defaultActivations)
        : base(opType, 7, 17)
    {
        _gates = gates;
        _defaultActivations = defaultActivations;
    }

    /// <summary>Whether the operator has a cell state, and with it the third output Y_c.</summary>
    protected virtual bool HasCellState => false;

    /// <summary>The method of the runtime's Recurrent class that computes this operator.</summary>
    protected abstract string KernelMethod { get; }

    public override void InferShapes(Node node, ShapeContext context)
    {
        RecurrentSizes sizes = Sizes(node, context);
        Direction(node, context);
        Clip(node, context);
        RecurrentActivations.Read(node, context, _defaultActivations, sizes.Directions);
        CheckAttributes(node, context);

        context.SetOutput(node, 0, ElementType.Float, sizes.OutputShape);
        context.SetOutput(node, 1, ElementType.Float, sizes.StateShape);
        if (HasCellState)
        {
            context.SetOutput(node, 2, ElementType.Float, sizes.StateShape);
        }
    }

    public override string DescribeAttributes(Node node, ShapeContext context)
    {
        RecurrentSizes sizes = Sizes(node, context);
        RecurrentActivation[] activations = RecurrentActivations.Read(node, context, _defaultActivations, sizes.Directions);
        string clip = node.Has("clip") ? $", clip {Literals.Float(Clip(node, context))}" : string.Empty;
        return $"direction {node.GetString(context, "direction", "forward")}, hidden_size {sizes.Hidden}, " +
            $"activations {string.Join("/", activations.Select(activation => activation.Kind))}, layout {(sizes.BatchMajor ? 1 : 0)}{clip}";
    }

    public override void EmitCpu(Node node, CpuEmitContext context)
    {
        ShapeContext shapes = context.Shapes;
        RecurrentSizes sizes = Sizes(node, shapes);
        RecurrentActivation[] activations = RecurrentActivations.Read(node, shapes, _defaultActivations, sizes.Directions);
        string geometryType = $"{CpuEmitContext.Kernels}RecurrentGeometry";
        string geometry = context.DeclareStatic(
            geometryType,
            node.DisplayName + "Geometry",
            $"new(SequenceLength: {sizes.Sequence}, BatchSize: {sizes.Batch}, InputSize: {sizes.Input}, HiddenSize: {sizes.Hidden}, " +
            $"Direction: {CpuEmitContext.Kernels}RecurrentDirection.{Direction(node, shapes)}, BatchMajor: {Literals.Bool(sizes.BatchMajor)}, " +
            $"Clip: {Literals.Float(Clip(node, shapes))})");
        string activationArray = context.DeclareStatic(
            $"{CpuEmitContext.Kernels}RecurrentActivation[]",
            node.DisplayName + "Activations",
            $"new {CpuEmitContext.Kernels}RecurrentActivation[] {{ {string.Join(", ", activations.Select(activation => activation.Expression))} }}");

        context.Writer.Line($"{CpuEmitContext.Kernels}Recurrent.{KernelMethod}(");
        context.Writer.Line($"    x: {context.ReadInput(node, 0)},");
        context.Writer.Line($"    w: {context.ReadInput(node, 1)},");
        context.Writer.Line($"    r: {context.ReadInput(node, 2)},");
        context.Writer.Line($"    b: {context.ReadOptionalInput(node, BiasInput)},");
        context.Writer.Line($"    sequenceLengths: {SequenceLengths(node, context)},");
        context.Writer.Line($"    initialH: {context.ReadOptionalInput(node, InitialHInput)}{ExtraInputs(node, context)},");
        context.Writer.Line($"    y: {OptionalOutput(node, context, 0)}, yH: {OptionalOutput(node, context, 1)}{ExtraOutputs(node, context)},");
        context.Writer.Line($"    workspace: {context.Workspace($"{CpuEmitContext.Kernels}Recurrent.{KernelMethod}WorkspaceLength({geometry})")},");
        context.Writer.Line($"    geometry: {geometry}, activations: {activationArray}{ExtraArguments(node, shapes)});");
    }

    /// <summary>Checks the attributes only this operator has; an unsupported value is an error.</summary>
    protected virtual void CheckAttributes(Node node, ShapeContext context)
    {
    }

    /// <summary>Checks the inputs past initial_h that only this operator has.</summary>
    protected virtual void CheckCellInputs(Node node, ShapeContext context, RecurrentSizes sizes)
    {
    }

    /// <summary>The named kernel arguments for the inputs past initial_h, each preceded by ", ".</summary>
    protected virtual string ExtraInputs(Node node, CpuEmitContext context) => string.Empty;

    /// <summary>The named kernel arguments for the outputs past Y_h, each preceded by ", ".</summary>
    protected virtual string ExtraOutputs(Node node, CpuEmitContext context) => string.Empty;

    /// <summary>The named kernel arguments for this operator's own attributes, each preceded by ", ".</summary>
    protected virtual string ExtraArguments(Node node, ShapeContext context) => string.Empty;

    /// <summary>The output's expression, or <c>default</c> (an empty span) when the node does not name it.</summary>
    protected static string OptionalOutput(Node node, CpuEmitContext context, int position) =>
        position < node.Outputs.Count && node.Outputs[position].Length > 0 ? context.WriteOutput(node, position) : "default";

    /// <summary>An attribute that must be 0 or 1.</summary>
    protected static bool Flag(Node node, ShapeContext context, string name)
    {
        long value = node.GetInt(context, name, 0);
        if (value != 0 && value != 1)
        {
            throw context.Error(node, $"attribute '{name}' is {value}, but it must be 0 or 1");
        }

        return value == 1;
    }

    /// <summary>Checks that the optional input at <paramref name="position"/>, when present, is float32 with shape <paramref name="expected"/>.</summary>
    protected static void CheckOptional(Node node, ShapeContext context, int position, string name, int[] expected)
    {
        if (node.OptionalInput(position) is null)
        {
            return;
        }

        TensorInfo input = context.FloatInput(node, position);
        if (!input.Shape.SequenceEqual(expected))
        {
            throw context.Error(node, $"{name} has shape {input.ShapeText}, but it must be {string.Join("×", expected)}");
        }
    }

    /// <summary>
    /// The sequence lengths as the kernel reads them: a static array when they are a build-time constant, the tensor's
    /// float values otherwise, or <c>default</c> when the input is absent.
    /// </summary>
    private static string SequenceLengths(Node node, CpuEmitContext context)
    {
        string? name = node.OptionalInput(SequenceLengthsInput);
        if (name is null)
        {
            return "default";
        }

        long[]? constant = context.Shapes.Tensor(name).IntegerValues;
        if (constant is null)
        {
            return context.Read(name);
        }

        string values = string.Join(", ", constant.Select(length => Literals.Float(length)));
        return context.DeclareStatic("float[]", node.DisplayName + "SequenceLengths", $"new float[] {{ {values} }}");
    }

    private RecurrentSizes Sizes(Node node, ShapeContext context)
    {
        long layout = node.GetInt(context, "layout", 0);
        if (layout != 0 && context.Opset < LayoutOpset)
        {
            throw context.Error(node, $"attribute 'layout' is {layout}, but {OpType} has this attribute only from opset {LayoutOpset}");
        }

        if (layout != 0 && layout != 1)
        {
            throw context.Error(node, $"attribute 'layout' is {layout}, but it must be 0 (sequence first) or 1 (batch first)");
        }

        bool batchMajor = layout == 1;
        TensorInfo x = context.FloatInput(node, 0);
        TensorInfo w = context.FloatInput(node, 1);
        TensorInfo r = context.FloatInput(node, 2);
        if (x.Shape.Length != 3 || w.Shape.Length != 3 || r.Shape.Length != 3)
        {
            throw context.Error(node, $"X has shape {x.ShapeText}, W {w.ShapeText} and R {r.ShapeText}, but all three must have rank 3");
        }

        int directions = Direction(node, context) == "Bidirectional" ? 2 : 1;
        int hidden = r.Shape[2];
        long hiddenAttribute = node.GetInt(context, "hidden_size", hidden);
        if (hiddenAttribute != hidden)
        {
            throw context.Error(node, $"attribute 'hidden_size' is {hiddenAttribute}, but R has shape {r.ShapeText}, whose last dimension is the hidden size");
        }

        int sequence = batchMajor ? x.Shape[1] : x.Shape[0];
        int batch = batchMajor ? x.Shape[0] : x.Shape[1];
        var sizes = new RecurrentSizes(sequence, batch, x.Shape[2], hidden, directions, batchMajor);
        int gateWidth = _gates * hidden;
        if (!w.Shape.SequenceEqual(new[] { directions, gateWidth, sizes.Input }))
        {
            throw context.Error(node, $"W has shape {w.ShapeText}, but with {directions} direction(s), {_gates} gate(s), hidden size {hidden} and input size {sizes.Input} it must be {directions}×{gateWidth}×{sizes.Input}");
        }

        if (!r.Shape.SequenceEqual(new[] { directions, gateWidth, hidden }))
        {
            throw context.Error(node, $"R has shape {r.ShapeText}, but with {directions} direction(s), {_gates} gate(s) and hidden size {hidden} it must be {directions}×{gateWidth}×{hidden}");
        }

        CheckOptional(node, context, BiasInput, "B", new[] { directions, 2 * gateWidth });
        CheckSequenceLengths(node, context, sizes);
        CheckOptional(node, context, InitialHInput, "initial_h", sizes.StateShape);
        CheckCellInputs(node, context, sizes);
        return sizes;
    }

    private static void CheckSequenceLengths(Node node, ShapeContext context, RecurrentSizes sizes)
    {
        TensorInfo? lengths = context.OptionalInput(node, SequenceLengthsInput);
        if (lengths is null)
        {
            return;
        }

        if (!lengths.Shape.SequenceEqual(new[] { sizes.Batch }))
        {
            throw context.Error(node, $"sequence_lens has shape {lengths.ShapeText}, but it must hold one length for each of the {sizes.Batch} sequences");
        }

        if (lengths.IntegerValues is null)
        {
            // Only float32 initializers become weights that the generated code can read at run time.
            if (lengths.Initializer is not null && lengths.Type != ElementType.Float)
            {
                throw context.Error(node, $"sequence_lens is the {ElementTypes.Name(lengths.Type)} initializer '{lengths.Name}', whose values Kiln cannot read at build time. Store them inside the model file as int32 or int64 values");
            }

            return;
        }

        foreach (long length in lengths.IntegerValues)
        {
            if (length < 1 || length > sizes.Sequence)
            {
                throw context.Error(node, $"sequence_lens contains {length}, but each length must be from 1 to the sequence length {sizes.Sequence}");
            }
        }
    }

    /// <summary>The runtime's RecurrentDirection member for the <c>direction</c> attribute.</summary>
    private static string Direction(Node node, ShapeContext context)
    {
        string direction = node.GetString(context, "direction", "forward");
        switch (direction)
        {
            case "forward":
                return "Forward";
            case "reverse":
                return "Reverse";
            case "bidirectional":
                return "Bidirectional";
            default:
                throw context.Error(node, $"attribute 'direction' is '{direction}', but it must be forward, reverse or bidirectional");
        }
    }

    /// <summary>The <c>clip</c> bound, or +∞ when the attribute is absent.</summary>
    private static float Clip(Node node, ShapeContext context)
    {
        if (!node.Has("clip"))
        {
            return float.PositiveInfinity;
        }

        float clip = node.GetFloat(context, "clip", 0f);
        if (!(clip > 0f))
        {
            throw context.Error(node, $"attribute 'clip' is {Literals.Float(clip)}, but the cell clip threshold must be positive");
        }

        return clip;
    }
}
