using System;
using System.Collections.Generic;
using System.Linq;
using Kiln.Compiler.Emit;
using Kiln.Compiler.Graph;

namespace Kiln.Compiler.Operators;

/// <summary>
/// Dropout, opsets 7–17 (before opset 7 its <c>is_test</c> attribute defaulted to training mode). In inference it
/// emits no code: the output names the input's values and the optional mask is a constant, all true. From opset 12
/// training_mode is an input; when it is not a constant false, the step runs <c>Kiln.Cpu.Dropout</c>, which drops
/// values by a seeded generator in training mode. The GPU kernel drops the same values, from uniform numbers drawn
/// when the network is created, and so needs the seed attribute.
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

    public override bool HasGpuKernels => true;

    /// <summary>The uniform numbers behind the training-mode mask, drawn when the network is created, as the mask depends only on the seed and the shape.</summary>
    public override IReadOnlyList<GpuComputedWeight> GpuComputedWeights(Node node, ShapeContext context)
    {
        if (!node.Has("seed"))
        {
            return Array.Empty<GpuComputedWeight>();
        }

        string seed = Literals.Int(node.GetInt(context, "seed", 0));
        return new[]
        {
            new GpuComputedWeight(UniformsKey(node), context.Input(node, 0).ElementCount, target => $"{CpuEmitContext.Kernels}Dropout.DrawUniforms({seed}, {target})"),
        };
    }

    /// <summary>
    /// Writes the training-mode kernel, which computes what <c>Kiln.Cpu.Dropout.Apply</c> computes: a value is kept
    /// where its uniform number is at least the ratio. Inference-mode nodes are aliases and reach no emitter.
    /// </summary>
    public override void EmitGpu(Node node, GpuEmitContext context)
    {
        if (!node.Has("seed"))
        {
            throw context.Unsupported(node, "in training mode without a seed attribute the CPU path draws a new mask on every call, but the GPU kernels need a mask drawn once from the seed when the network is created; give the node a seed attribute to run it on the GPU");
        }

        int count = context.Shapes.Input(node, 0).ElementCount;
        string? ratio = node.OptionalInput(1);
        string trainingMode = node.Inputs[2];
        bool alwaysTraining = context.Shapes.Tensor(trainingMode).IntegerValues is not null;
        bool hasMask = node.OptionalOutput(1) is not null;
        var views = new List<(string Local, string View)>
        {
            ("x", context.ReadInput(node, 0)),
            ("y", context.WriteOutput(node, 0)),
            ("uniforms", context.ReadComputedWeight(UniformsKey(node), count)),
        };
        if (hasMask)
        {
            views.Add(("mask", context.WriteOutput(node, 1)));
        }

        if (ratio is not null)
        {
            views.Add(("ratio", context.Read(node, ratio)));
        }

        if (!alwaysTraining)
        {
            views.Add(("trainingMode", context.Read(node, trainingMode)));
        }

        SourceWriter writer = context.Writer;
        context.ElementwiseKernel(node, OpType, count, views, () =>
        {
            writer.Line(ratio is null ? "float dropRatio = 0.5f;" : "float dropRatio = ratio[0];");
            string condition = alwaysTraining ? "dropRatio == 0f" : "trainingMode[0] == 0f || dropRatio == 0f";
            using (writer.Open($"if ({condition})"))
            {
                writer.Line("y[i] = x[i];");
                if (hasMask)
                {
                    writer.Line("mask[i] = 1f;");
                }

                writer.Line("continue;");
            }

            writer.Line();

            // NOTE: a kernel cannot throw, so a ratio outside [0, 1), which the CPU path rejects, gives infinities or NaN here.
            writer.Line("float keep = uniforms[i] >= dropRatio ? 1f : 0f;");
            writer.Line("y[i] = keep * x[i] * (float)(1.0 / (1.0 - dropRatio));");
            if (hasMask)
            {
                writer.Line("mask[i] = keep;");
            }
        });
    }

    /// <summary>The computed weight of the node's uniform numbers, named after its first output, which is unique in the graph.</summary>
    private static string UniformsKey(Node node) => "kiln:dropout-uniforms:" + node.Outputs[0];

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
