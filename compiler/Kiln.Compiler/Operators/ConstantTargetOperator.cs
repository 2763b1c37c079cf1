using System.Linq;
using Kiln.Compiler.Emit;
using Kiln.Compiler.Graph;

namespace Kiln.Compiler.Operators;

/// <summary>
/// Writes a tensor known at build time into the arena, for a target layer that is a constant: the output of a
/// Constant node, a folded Shape, or an initializer. Not an ONNX operator; the compiler adds this step itself.
/// </summary>
internal sealed class ConstantTargetOperator : Operator
{
    /// <summary>Appended to the constant's name to name its copy in the arena; ONNX names cannot clash with it.</summary>
    public const string CopySuffix = " (written)";

    private ConstantTargetOperator()
        : base("Constant", OperatorRegistry.FirstOpset, OperatorRegistry.LastOpset)
    {
    }

    public static ConstantTargetOperator Instance { get; } = new ConstantTargetOperator();

    public override void InferShapes(Node node, ShapeContext context)
    {
        // Never called: the compiler sets the copy's type and shape when it adds the step.
    }

    public override void EmitCpu(Node node, CpuEmitContext context)
    {
        string output = context.WriteOutput(node, 0);
        long[]? values = context.Shapes.Input(node, 0).IntegerValues;
        if (values is not null && values.Length > 0 && values.All(value => value == values[0]))
        {
            context.Writer.Line($"{output}.Fill({Literals.Float(values[0])});");
            return;
        }

        context.Writer.Line($"{context.ReadInput(node, 0)}.CopyTo({output});");
    }

    /// <summary>
    /// The copy has a GPU kernel: a fill when all values are equal, otherwise a copy of the constant, which reaches the
    /// device with the weights.
    /// </summary>
    public override bool HasGpuKernels => true;

    public override void EmitGpu(Node node, GpuEmitContext context)
    {
        int count = context.Shapes.Tensor(node.Outputs[0]).ElementCount;
        long[]? values = context.Shapes.Input(node, 0).IntegerValues;
        if (values is not null && values.Length > 0 && values.All(value => value == values[0]))
        {
            var output = new[] { ("y", context.WriteOutput(node, 0)) };
            context.ElementwiseKernelUnlessEmpty(node, "Fill", count, output, () => context.Writer.Line($"y[i] = {Literals.Float(values[0])};"));
            return;
        }

        var views = new[] { ("x", context.ReadInput(node, 0)), ("y", context.WriteOutput(node, 0)) };
        context.ElementwiseKernelUnlessEmpty(node, "Copy", count, views, () => context.Writer.Line("y[i] = x[i];"));
    }
}
