using System.Collections.Generic;
using System.Linq;
using Kiln.Compiler.Generate;
using Kiln.Compiler.Graph;
using Kiln.Compiler.Operators;
using Kiln.Compiler.Plan;

namespace Kiln.Compiler.Emit;

/// <summary>
/// Writes the GPU half of a network class: the override that creates its runner, and a nested program class with
/// one ILGPU kernel per step (or a few), the weights the kernels read, and the launch list. The program is a nested
/// class so that a network running on the CPU never loads ILGPU.
/// </summary>
internal static class GpuEmitter
{
    /// <summary>Weight offsets on the device are multiples of this many floats (64 bytes).</summary>
    private const int Alignment = 16;

    private const string ProgramClass = "GpuKernels";

    public static void Emit(SourceWriter writer, NetworkModel model)
    {
        string className = model.Request.ClassName;
        List<GpuComputedWeight> computedWeights = model.Steps
            .Where(step => step.Operator.HasGpuKernels)
            .SelectMany(step => step.Operator.GpuComputedWeights(step.Node, model.Shapes))
            .ToList();
        List<(string Name, long[] Values)> constants = ConstantsReadAsData(model);
        (Dictionary<string, int> weightOffsets, int weightLength) = PlaceWeights(model.Weights, constants, computedWeights, model.Shapes);

        // Kernels are written first, because they record the launches the program's table lists.
        var kernels = new SourceWriter(indent: 2);
        int workspaceLength = model.Steps
            .Where(step => step.Operator.HasGpuKernels)
            .Select(step => step.Operator.GpuWorkspaceLength(step.Node, model.Shapes))
            .DefaultIfEmpty(0)
            .Max();
        var context = new GpuEmitContext(kernels, model.Shapes, model.Plan, weightOffsets, model.Inputs, className, model.Graph.FileName, workspaceLength);
        foreach (Step step in model.Steps)
        {
            Node node = step.Node;
            context.BeginStep(step.Index);
            if (!step.Operator.HasGpuKernels)
            {
                throw context.Unsupported(node, $"the GPU backend has no kernel for {node.OpType} yet");
            }

            kernels.Line();
            kernels.Comment(NetworkEmitter.StepSummary(model, step));
            step.Operator.EmitGpu(node, context);
        }

        writer.Line();
        writer.Line("/// <inheritdoc/>");
        writer.Line($"protected override global::Kiln.DeviceRunner? CreateDeviceRunner(global::Kiln.ActivationOptions options) =>");
        writer.Line($"    {GpuEmitContext.Runtime}GpuRunner.Create(new {ProgramClass}(this), options);");
        writer.Line();
        writer.Summary($"The ILGPU kernels of {className}, one or more per step, with every shape and offset as a constant. A nested class, so that the CPU path never loads ILGPU.");
        using (writer.Open($"private sealed class {ProgramClass} : {GpuEmitContext.Runtime}GpuProgram"))
        {
            writer.Comment("The launches of each step, in order: the kernel and its thread groups.");
            writer.Line($"private static readonly {GpuEmitContext.Runtime}GpuLaunch[][] Launches =");
            writer.Line("[");
            foreach (List<(string Kernel, string Groups, bool SpansObservations)> launches in context.Launches)
            {
                IEnumerable<string> items = launches.Select(launch =>
                    launch.SpansObservations ? $"new({launch.Kernel}, {launch.Groups}, SpansObservations: true)" : $"new({launch.Kernel}, {launch.Groups})");
                writer.Line($"    [{string.Join(", ", items)}],");
            }

            writer.Line("];");
            writer.Line();
            writer.Line($"private readonly {className} _network;");
            writer.Line();
            writer.Summary("Describes the kernels of the network whose weights they read.");
            writer.Line($"public {ProgramClass}({className} network)");
            writer.Line($"    : base(Network, arenaLength: {Literals.Int(checked(model.Plan.TensorLength + workspaceLength))}, weightLength: {Literals.Int(weightLength)}, Launches)");
            writer.Line("{");
            writer.Line("    _network = network;");
            writer.Line("}");

            writer.Line();
            writer.Line("/// <inheritdoc/>");
            using (writer.Open("public override void CopyWeights(global::System.Span<float> weights)"))
            {
                foreach (WeightModel weight in model.Weights)
                {
                    long count = weight.Initializer.ElementCount;
                    // Weights in the model file are instance views of the embedded model; small ones written into the source are static.
                    string owner = weight.Initializer.Storage is TensorStorage.Raw or TensorStorage.PackedFloats ? "_network" : className;
                    writer.Line($"{owner}.{weight.Identifier}.CopyTo(weights.Slice({Literals.Int(weightOffsets[weight.Initializer.Name])}, {Literals.Int(count)}));");
                }

                foreach (GpuComputedWeight weight in computedWeights)
                {
                    writer.Line($"{weight.Fill($"weights.Slice({Literals.Int(weightOffsets[weight.Key])}, {Literals.Int(weight.Length)})")};");
                }

                foreach ((string name, long[] values) in constants)
                {
                    string floats = string.Join(", ", values.Select(value => Literals.Float(value)));
                    writer.Line($"((global::System.ReadOnlySpan<float>)[{floats}]).CopyTo(weights.Slice({Literals.Int(weightOffsets[name])}, {Literals.Int(values.Length)})); // {SourceWriter.OneLine(name)}");
                }
            }

            writer.Append(kernels);
        }
    }

    /// <summary>
    /// Packs the float weights one after another, each at an aligned offset, then the computed weights, and then the
    /// integer and bool <paramref name="constants"/>, so that kernels read all of them through the weights view.
    /// </summary>
    private static (Dictionary<string, int> Offsets, int Length) PlaceWeights(
        List<WeightModel> weights, List<(string Name, long[] Values)> constants, List<GpuComputedWeight> computedWeights, ShapeContext shapes)
    {
        var offsets = new Dictionary<string, int>(System.StringComparer.Ordinal);
        long length = 0;
        foreach (WeightModel weight in weights)
        {
            offsets[weight.Initializer.Name] = checked((int)length);
            length += (weight.Initializer.ElementCount + Alignment - 1) / Alignment * Alignment;
        }

        foreach (GpuComputedWeight weight in computedWeights)
        {
            offsets[weight.Key] = checked((int)length);
            length += ((long)weight.Length + Alignment - 1) / Alignment * Alignment;
        }

        foreach ((string name, _) in constants)
        {
            offsets[name] = checked((int)length);
            length += (shapes.Tensor(name).ElementCount + Alignment - 1) / Alignment * Alignment;
        }

        return (offsets, checked((int)length));
    }

    /// <summary>
    /// The integer and bool tensors known at build time that steps read as data (Where's condition, a Clip bound,
    /// a constant layer's copy), which the CPU code writes as static spans and the GPU kernels read from the weights.
    /// </summary>
    private static List<(string Name, long[] Values)> ConstantsReadAsData(NetworkModel model)
    {
        var weightNames = new HashSet<string>(model.Weights.Select(weight => weight.Initializer.Name), System.StringComparer.Ordinal);
        var inputNames = new HashSet<string>(model.Inputs.Select(input => input.Name), System.StringComparer.Ordinal);
        var constants = new List<(string Name, long[] Values)>();
        foreach (string name in model.Steps.SelectMany(step => step.Node.Inputs).Where(name => name.Length != 0).Distinct())
        {
            if (weightNames.Contains(name) || inputNames.Contains(name) || model.Plan.Offsets.ContainsKey(name))
            {
                continue;
            }

            if (model.Shapes.Tensors.TryGetValue(name, out TensorInfo? tensor) && tensor.IntegerValues is long[] values)
            {
                constants.Add((name, values));
            }
        }

        return constants;
    }
}
