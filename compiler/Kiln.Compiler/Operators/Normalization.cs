using System.Collections.Generic;
using System.Linq;
using Kiln.Compiler.Emit;
using Kiln.Compiler.Graph;

namespace Kiln.Compiler.Operators;

/// <summary>
/// BatchNormalization: inference mode at opsets 7–8 (with the <c>spatial</c> attribute), 9–13 and 14–15, and training
/// mode at opsets 14–15 (<c>training_mode</c> = 1) with its optional running_mean and running_var outputs. The
/// training outputs of opsets 7–13 (mean, var, saved_mean, saved_var) are not computed.
/// </summary>
internal sealed class BatchNormalizationOperator : Operator
{
    public BatchNormalizationOperator()
        : base("BatchNormalization", 7, 17)
    {
    }

    public override void InferShapes(Node node, ShapeContext context)
    {
        TensorInfo x = context.FloatInput(node, 0);
        if (x.Shape.Length < 2)
        {
            throw context.Error(node, $"the input has shape {x.ShapeText}, but it needs at least N×C");
        }

        if (context.Opset < 9 && node.GetInt(context, "spatial", 1) != 1)
        {
            throw context.Error(node, "spatial = 0 (one mean per activation) is not supported, because Kiln normalizes per channel");
        }

        bool training = IsTraining(node, context);
        if (!training && node.Outputs.Skip(1).Any(output => output.Length > 0))
        {
            throw context.Error(node, context.Opset >= 14
                ? "running_mean or running_var is requested, but ONNX defines those outputs only with training_mode = 1"
                : "the training outputs (mean, var, saved_mean, saved_var) are requested, but Kiln computes them only for opset 14 and later with training_mode = 1");
        }

        string[] names = { "scale", "B", "input_mean", "input_var" };
        for (int position = 1; position <= 4; position++)
        {
            TensorInfo parameter = context.FloatInput(node, position);
            if (parameter.ElementCount != x.Shape[1] || parameter.Shape.Length != 1)
            {
                throw context.Error(node, $"input '{names[position - 1]}' has shape {parameter.ShapeText}, but it must be a vector of {x.Shape[1]} values, one per channel");
            }
        }

        context.SetOutput(node, 0, ElementType.Float, x.Shape);
        if (training)
        {
            context.SetOutput(node, 1, ElementType.Float, new[] { x.Shape[1] });
            context.SetOutput(node, 2, ElementType.Float, new[] { x.Shape[1] });
        }
    }

    public override string DescribeAttributes(Node node, ShapeContext context)
    {
        string text = $"epsilon {Literals.Float(node.GetFloat(context, "epsilon", 1e-5f))}";
        return IsTraining(node, context)
            ? text + $", training_mode 1, momentum {Literals.Float(node.GetFloat(context, "momentum", 0.9f))}"
            : text;
    }

    public override bool HasGpuKernels => true;

    public override void EmitGpu(Node node, GpuEmitContext context)
    {
        if (IsTraining(node, context.Shapes))
        {
            EmitGpuTraining(node, context);
            return;
        }

        int[] shape = context.Shapes.Input(node, 0).Shape;
        int spatial = shape.Skip(2).Aggregate(1, (a, b) => a * b);
        int count = shape.Aggregate(1, (a, b) => a * b);
        float epsilon = node.GetFloat(context.Shapes, "epsilon", 1e-5f);
        var views = new[]
        {
            ("x", context.ReadInput(node, 0)), ("scale", context.ReadInput(node, 1)), ("bias", context.ReadInput(node, 2)),
            ("mean", context.ReadInput(node, 3)), ("variance", context.ReadInput(node, 4)), ("y", context.WriteOutput(node, 0)),
        };
        context.ElementwiseKernel(node, OpType, count, views, () =>
        {
            context.Writer.Line($"int channel = i / {spatial} % {shape[1]};");
            context.Writer.Line($"float factor = scale[channel] / global::System.MathF.Sqrt(variance[channel] + {Literals.Float(epsilon)});");
            context.Writer.Line("y[i] = ((x[i] - mean[channel]) * factor) + bias[channel];");
        });
    }

    public override void EmitCpu(Node node, CpuEmitContext context)
    {
        if (IsTraining(node, context.Shapes))
        {
            EmitTraining(node, context);
            return;
        }

        int[] shape = context.Shapes.Input(node, 0).Shape;
        int spatial = shape.Skip(2).Aggregate(1, (a, b) => a * b);
        float epsilon = node.GetFloat(context.Shapes, "epsilon", 1e-5f);
        context.Writer.Line($"{CpuEmitContext.Kernels}Normalization.BatchNormalization(");
        context.Writer.Line($"    x: {context.ReadInput(node, 0)},");
        context.Writer.Line($"    scale: {context.ReadInput(node, 1)},");
        context.Writer.Line($"    bias: {context.ReadInput(node, 2)},");
        context.Writer.Line($"    mean: {context.ReadInput(node, 3)},");
        context.Writer.Line($"    variance: {context.ReadInput(node, 4)},");
        context.Writer.Line($"    y: {context.WriteOutput(node, 0)},");
        context.Writer.Line($"    batch: {shape[0]}, channels: {shape[1]}, spatial: {spatial}, epsilon: {Literals.Float(epsilon)});");
    }

    /// <summary>
    /// Writes the training-mode kernel: one thread group per channel takes the mean and population variance over the
    /// N images and spatial positions of one observation, as the CPU path does (see <see cref="EmitTraining"/>), then
    /// normalizes and updates running_mean and running_var.
    /// </summary>
    private static void EmitGpuTraining(Node node, GpuEmitContext context)
    {
        int[] shape = context.Shapes.Input(node, 0).Shape;
        int channels = shape[1];
        int spatial = shape.Skip(2).Aggregate(1, (a, b) => a * b);
        float epsilon = node.GetFloat(context.Shapes, "epsilon", 1e-5f);
        float momentum = node.GetFloat(context.Shapes, "momentum", 0.9f);
        var views = new List<(string, string)>
        {
            ("x", context.ReadInput(node, 0)), ("scale", context.ReadInput(node, 1)), ("bias", context.ReadInput(node, 2)),
            ("inputMean", context.ReadInput(node, 3)), ("inputVariance", context.ReadInput(node, 4)), ("y", context.WriteOutput(node, 0)),
        };
        if (HasOutput(node, 1))
        {
            views.Add(("runningMean", context.WriteOutput(node, 1)));
        }

        if (HasOutput(node, 2))
        {
            views.Add(("runningVariance", context.WriteOutput(node, 2)));
        }

        void WriteRunningStatistics()
        {
            if (HasOutput(node, 1))
            {
                context.Writer.Line($"runningMean[row] = (inputMean[row] * {Literals.Float(momentum)}) + (mean * {Literals.Float(1f - momentum)});");
            }

            if (HasOutput(node, 2))
            {
                context.Writer.Line($"runningVariance[row] = (inputVariance[row] * {Literals.Float(momentum)}) + (variance * {Literals.Float(1f - momentum)});");
            }
        }

        var rows = new NormalizationGpuEmitter.Rows(
            channels,
            shape[0] * spatial,
            (row, column) => $"(((({column} / {spatial}) * {channels}) + {row}) * {spatial}) + ({column} % {spatial})",
            (row, column) => $"(centered * inverse * scale[{row}]) + bias[{row}]",
            $"1f / global::System.MathF.Sqrt(variance + {Literals.Float(epsilon)})",
            HasOutput(node, 1) || HasOutput(node, 2) ? WriteRunningStatistics : null);
        NormalizationGpuEmitter.Emit(node, context, "BatchNormalizationTraining", views, rows);
    }

    /// <summary>
    /// Writes the training-mode call, which normalizes with the mean and variance of the batch itself. A compiled
    /// network runs one observation at a time, with the batch size N fixed by the model's input shape. The batch
    /// statistics here are therefore over the N images of one observation, which is what ONNX computes for one run
    /// of the model, and not over the mini-batch that a caller passes to Activations.
    /// </summary>
    private static void EmitTraining(Node node, CpuEmitContext context)
    {
        int[] shape = context.Shapes.Input(node, 0).Shape;
        int spatial = shape.Skip(2).Aggregate(1, (a, b) => a * b);
        float epsilon = node.GetFloat(context.Shapes, "epsilon", 1e-5f);
        float momentum = node.GetFloat(context.Shapes, "momentum", 0.9f);
        context.Writer.Line($"{CpuEmitContext.Kernels}Normalization.BatchNormalizationTraining(");
        context.Writer.Line($"    x: {context.ReadInput(node, 0)},");
        context.Writer.Line($"    scale: {context.ReadInput(node, 1)},");
        context.Writer.Line($"    bias: {context.ReadInput(node, 2)},");
        context.Writer.Line($"    inputMean: {context.ReadInput(node, 3)},");
        context.Writer.Line($"    inputVariance: {context.ReadInput(node, 4)},");
        context.Writer.Line($"    y: {context.WriteOutput(node, 0)},");
        context.Writer.Line($"    runningMean: {(HasOutput(node, 1) ? context.WriteOutput(node, 1) : "default")},");
        context.Writer.Line($"    runningVariance: {(HasOutput(node, 2) ? context.WriteOutput(node, 2) : "default")},");
        context.Writer.Line($"    batch: {shape[0]}, channels: {shape[1]}, spatial: {spatial}, epsilon: {Literals.Float(epsilon)}, momentum: {Literals.Float(momentum)});");
    }

    /// <summary>Whether the node runs in training mode, which ONNX defines from opset 14 on.</summary>
    private static bool IsTraining(Node node, ShapeContext context) =>
        context.Opset >= 14 && node.GetInt(context, "training_mode", 0) != 0;

    private static bool HasOutput(Node node, int position) => position < node.Outputs.Count && node.Outputs[position].Length > 0;
}

/// <summary>LRN: local response normalization across channels (opset 1 and 13 forms are the same).</summary>
internal sealed class LrnOperator : Operator
{
    public LrnOperator()
        : base("LRN", 1, 17)
    {
    }

    public override void InferShapes(Node node, ShapeContext context)
    {
        TensorInfo x = context.FloatInput(node, 0);
        if (x.Shape.Length < 2)
        {
            throw context.Error(node, $"the input has shape {x.ShapeText}, but it needs at least N×C");
        }

        if (node.GetInt(context, "size", 0) < 1)
        {
            throw context.Error(node, "the required attribute size is missing or not positive");
        }

        context.SetOutput(node, 0, ElementType.Float, x.Shape);
    }

    public override string DescribeAttributes(Node node, ShapeContext context) =>
        $"size {node.GetInt(context, "size", 0)}, alpha {Literals.Float(node.GetFloat(context, "alpha", 1e-4f))}, " +
        $"beta {Literals.Float(node.GetFloat(context, "beta", 0.75f))}, bias {Literals.Float(node.GetFloat(context, "bias", 1f))}";

    public override bool HasGpuKernels => true;

    /// <summary>One thread per element sums the squares of its channel window, clipped to the channels.</summary>
    public override void EmitGpu(Node node, GpuEmitContext context)
    {
        ShapeContext shapes = context.Shapes;
        int[] shape = shapes.Input(node, 0).Shape;
        int channels = shape[1];
        int spatial = shape.Skip(2).Aggregate(1, (a, b) => a * b);
        int count = shape.Aggregate(1, (a, b) => a * b);
        int size = (int)node.GetInt(shapes, "size", 0);
        int before = (size - 1) / 2;
        int after = size - 1 - before;
        float coefficient = node.GetFloat(shapes, "alpha", 1e-4f) / size;
        string beta = Literals.Float(node.GetFloat(shapes, "beta", 0.75f));
        string bias = Literals.Float(node.GetFloat(shapes, "bias", 1f));
        var views = new[] { ("x", context.ReadInput(node, 0)), ("y", context.WriteOutput(node, 0)) };
        context.ElementwiseKernel(node, OpType, count, views, () =>
        {
            SourceWriter writer = context.Writer;
            writer.Line($"int channel = i / {spatial} % {channels};");
            writer.Line($"int first = i - (channel * {spatial});");
            writer.Line($"int low = channel < {before} ? 0 : channel - {before};");
            writer.Line($"int high = channel + {after} > {channels - 1} ? {channels - 1} : channel + {after};");
            writer.Line("float squares = 0f;");
            using (writer.Open("for (int neighbor = low; neighbor <= high; neighbor++)"))
            {
                writer.Line($"float value = x[first + (neighbor * {spatial})];");
                writer.Line("squares += value * value;");
            }

            writer.Line($"y[i] = x[i] / global::System.MathF.Pow({bias} + ({Literals.Float(coefficient)} * squares), {beta});");
        });
    }

    public override void EmitCpu(Node node, CpuEmitContext context)
    {
        ShapeContext shapes = context.Shapes;
        int[] shape = shapes.Input(node, 0).Shape;
        int spatial = shape.Skip(2).Aggregate(1, (a, b) => a * b);
        context.Writer.Line($"{CpuEmitContext.Kernels}Normalization.LocalResponseNormalization({context.ReadInput(node, 0)}, {context.WriteOutput(node, 0)},");
        context.Writer.Line($"    batch: {shape[0]}, channels: {shape[1]}, spatial: {spatial}, size: {node.GetInt(shapes, "size", 0)}, " +
            $"alpha: {Literals.Float(node.GetFloat(shapes, "alpha", 1e-4f))}, beta: {Literals.Float(node.GetFloat(shapes, "beta", 0.75f))}, " +
            $"bias: {Literals.Float(node.GetFloat(shapes, "bias", 1f))});");
    }
}
