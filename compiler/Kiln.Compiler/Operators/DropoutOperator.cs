using System.Linq;
using Kiln.Compiler.Emit;
using Kiln.Compiler.Graph;

namespace Kiln.Compiler.Operators;

/// <summary>
/// Dropout, opsets 7–17 (before opset 7 its <c>is_test</c> attribute defaulted to training mode). In inference it
/// emits no code: the output names the input's values and the optional mask is a constant, all true. From opset 12
/// training_mode is an input; when it is not a constant false, the step runs <c>Kiln.Cpu.Dropout</c>, which drops
/// values by a seeded generator in training mode.
/// </summary>
internal sealed class DropoutOperator : Operator
{
    public DropoutOperator()
        : base("Dropout", 7, 17)
    {
    }

    public override bool IsAlias(Node node, ShapeContext context) => !MayTrain(node, context);

    public override void InferShapes(Node node, ShapeContext context)
    {
        TensorInfo x = context.NumericInput(node, 0);
        if (node.OptionalInput(1) is not null && context.Input(node, 1).ElementCount != 1)
        {
            throw context.Error(node, $"the ratio ('{node.Inputs[1]}') must contain one value, but its shape is {context.Input(node, 1).ShapeText}");
        }

        if (node.OptionalInput(2) is not null && context.Input(node, 2).ElementCount != 1)
        {
            throw context.Error(node, $"training_mode ('{node.Inputs[2]}') must contain one value, but its shape is {context.Input(node, 2).ShapeText}");
        }

        bool mayTrain = MayTrain(node, context);
        context.SetOutput(node, 0, x.Type, x.Shape, mayTrain ? null : x.IntegerValues);
        if (node.OptionalOutput(1) is null)
        {
            return;
        }

        if (mayTrain)
        {
            context.SetOutput(node, 1, ElementType.Bool, x.Shape);
            return;
        }

        // In inference no value is dropped, so the mask is a constant: all true.
        if (x.ElementCount > ShapeContext.MaxFoldedElements)
        {
            throw context.Error(node, $"the mask output is requested for {x.ElementCount} values, but Kiln gives the mask, a constant in inference, for {ShapeContext.MaxFoldedElements} values at most");
        }

        context.SetOutput(node, 1, ElementType.Bool, x.Shape, Enumerable.Repeat(1L, x.ElementCount).ToArray());
    }

    public override string DescribeAttributes(Node node, ShapeContext context) =>
        node.Has("seed") ? $"seed {node.GetInt(context, "seed", 0)}" : "no seed";

    public override void EmitCpu(Node node, CpuEmitContext context)
    {
        string seed = node.Has("seed") ? Literals.Int(node.GetInt(context.Shapes, "seed", 0)) : "null";
        string mask = node.OptionalOutput(1) is null ? "default" : context.WriteOutput(node, 1);
        context.Writer.Line(
            $"{CpuEmitContext.Kernels}Dropout.Apply({context.ReadInput(node, 0)}, ratio: {context.ReadOptionalInput(node, 1)}, " +
            $"trainingMode: {context.ReadOptionalInput(node, 2)}, {context.WriteOutput(node, 0)}, mask: {mask}, seed: {seed});");
    }

    /// <summary>True when training_mode (an input from opset 12) is present and not a constant false.</summary>
    private static bool MayTrain(Node node, ShapeContext context)
    {
        string? trainingMode = node.OptionalInput(2);
        if (context.Opset < 12 || trainingMode is null)
        {
            return false;
        }

        long[]? values = context.Tensor(trainingMode).IntegerValues;
        return values is null || values.Any(value => value != 0);
    }
}
