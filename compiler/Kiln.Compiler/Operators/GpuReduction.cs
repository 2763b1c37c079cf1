using System.Collections.Generic;
using System.Linq;
using Kiln.Compiler.Emit;
using Kiln.Compiler.Graph;

namespace Kiln.Compiler.Operators;

/// <summary>
/// The GPU kernels of the Reduce operators, which walk the reduced axes with literal strides. Many outputs get one
/// thread each, and neighbouring threads compute neighbouring kept positions. Few outputs of many values each get one
/// thread group each, whose threads share the values and combine their partial results in shared memory.
/// </summary>
/// <remarks>
/// The sums accumulate in float, where the CPU kernel uses double, so long reductions differ from it by rounding.
/// </remarks>
internal static class GpuReduction
{
    /// <summary>
    /// Outputs up to which each gets a thread group rather than a thread, when it reduces at least
    /// <see cref="MinGroupValues"/> values. One thread per output would then use a small part of a large GPU, which
    /// keeps over 100,000 threads resident (an H200 has 132 multiprocessors of 2,048 threads).
    /// NOTE: the threshold is an estimate, not measured.
    /// </summary>
    private const int MaxGroupOutputs = 16384;

    /// <summary>The values an output must reduce for a thread group to share them: one per thread of a group of 64.</summary>
    private const int MinGroupValues = 64;

    private const string Group = "global::ILGPU.Group";

    /// <summary>Writes the kernel that reduces input 0 of <paramref name="shape"/> over the <paramref name="reduced"/> axes by <paramref name="kind"/>, a member of <c>Kiln.Cpu.ReductionKind</c>.</summary>
    public static void Emit(Node node, GpuEmitContext context, int[] shape, bool[] reduced, string kind)
    {
        (int[] dims, bool[] kinds) = AxisMask.Merge(shape, reduced);
        int[] strides = StridedCopyEmitter.RowMajorStrides(dims);
        int[] keptDims = dims.Where((_, axis) => !kinds[axis]).ToArray();
        int[] keptStrides = strides.Where((_, axis) => !kinds[axis]).ToArray();
        int[] reducedDims = dims.Where((_, axis) => kinds[axis]).ToArray();
        int[] reducedStrides = strides.Where((_, axis) => kinds[axis]).ToArray();
        int keptCount = keptDims.Aggregate(1, (product, dim) => product * dim);
        int reducedCount = reducedDims.Aggregate(1, (product, dim) => product * dim);
        if (keptCount == 0)
        {
            return;
        }

        var reduction = new Reduction(
            kind,
            reducedCount,
            $"int first = {GpuStridedCopy.Dot("i", keptDims, keptStrides, 0)};",
            $"x[first + {GpuStridedCopy.Dot("r", reducedDims, reducedStrides, 0)}]");
        if (keptCount <= MaxGroupOutputs && reducedCount >= MinGroupValues)
        {
            EmitGroupPerOutput(node, context, keptCount, reduction);
            return;
        }

        var views = new[] { ("x", context.ReadInput(node, 0)), ("y", context.WriteOutput(node, 0)) };
        context.ElementwiseKernel(node, "Reduce" + kind, keptCount, views, () =>
        {
            SourceWriter writer = context.Writer;
            writer.Line(reduction.First);
            string loop = $"for (int r = 0; r < {Literals.Int(reducedCount)}; r++)";
            if (kind == "LogSumExp")
            {
                WriteExtremum(writer, loop, reduction.Element, maximum: true);
                using (writer.Open("if (float.IsInfinity(extremum) || float.IsNaN(extremum))"))
                {
                    writer.Line("y[i] = extremum;");
                }

                using (writer.Open("else"))
                {
                    WriteExponentialSum(writer, loop, reduction.Element);
                    writer.Line("y[i] = extremum + global::System.MathF.Log(result);");
                }

                return;
            }

            WritePartial(writer, loop, reduction);
            writer.Line($"y[i] = {Finish(reduction)};");
        });
    }

    /// <summary>The reduction of one node: its kind, the values per output, and the C# statement and expression that locate them.</summary>
    private sealed record Reduction(string Kind, int Count, string First, string Element)
    {
        public bool IsExtremum => Kind is "Max" or "Min";

        /// <summary>The name of the local with a thread's partial result.</summary>
        public string Partial => IsExtremum ? "extremum" : "result";
    }

    /// <summary>
    /// Writes the kernel that gives each output a thread group: each thread reduces every group-size-th value into its
    /// partial result, and a tree in shared memory combines the partial results. Every thread of a group runs the same
    /// iterations, so all of them reach each barrier.
    /// </summary>
    private static void EmitGroupPerOutput(Node node, GpuEmitContext context, int keptCount, Reduction reduction)
    {
        SourceWriter writer = context.Writer;
        string groupSize = $"{GpuEmitContext.Runtime}GpuProgram.GroupSize";
        using (context.Kernel(node, "Reduce" + reduction.Kind, Literals.Int(keptCount)))
        {
            writer.Line($"{GpuEmitContext.View} x = {context.ReadInput(node, 0)};");
            writer.Line($"{GpuEmitContext.View} y = {context.WriteOutput(node, 0)};");
            writer.Line($"{GpuEmitContext.View} shared = global::ILGPU.SharedMemory.Allocate<float>({groupSize});");
            writer.Line($"int thread = {Group}.IdxX;");
            using (writer.Open($"for (int i = global::ILGPU.Grid.IdxX; i < {Literals.Int(keptCount)}; i += global::ILGPU.Grid.DimX)"))
            {
                writer.Line(reduction.First);
                string loop = $"for (int r = thread; r < {Literals.Int(reduction.Count)}; r += {groupSize})";
                if (reduction.Kind == "LogSumExp")
                {
                    // The maximum first, shared with every thread, then the sum of exponentials below it.
                    WriteExtremum(writer, loop, reduction.Element, maximum: true);
                    WriteTree(writer, groupSize, "extremum", "Max");
                    writer.Line("float maximum = shared[0];");
                    writer.Line($"{Group}.Barrier();");
                    writer.Line();
                    WriteExponentialSum(writer, loop, reduction.Element, "maximum");
                    WriteTree(writer, groupSize, "result", "Sum");
                    writer.Line();
                    using (writer.Open("if (thread == 0)"))
                    {
                        // All values −∞ (or none) give −∞, and any +∞ gives +∞. Subtracting an infinite maximum would give NaN instead.
                        writer.Line("y[i] = float.IsInfinity(maximum) || float.IsNaN(maximum) ? maximum : maximum + global::System.MathF.Log(shared[0]);");
                    }
                }
                else
                {
                    WritePartial(writer, loop, reduction);
                    WriteTree(writer, groupSize, reduction.Partial, reduction.Kind);
                    writer.Line();
                    using (writer.Open("if (thread == 0)"))
                    {
                        writer.Line($"y[i] = {Finish(reduction, "shared[0]")};");
                    }
                }


                // The next output reuses the shared memory.
                writer.Line($"{Group}.Barrier();");
            }
        }
    }

    /// <summary>
    /// Writes the tree that combines each thread's <paramref name="partial"/> into <c>shared[0]</c>, halving the active
    /// threads each round. This needs a group size that is a power of two.
    /// </summary>
    private static void WriteTree(SourceWriter writer, string groupSize, string partial, string kind)
    {
        writer.Line();
        writer.Line($"shared[thread] = {partial};");
        writer.Line($"{Group}.Barrier();");
        using (writer.Open($"for (int width = {groupSize} / 2; width > 0; width /= 2)"))
        {
            using (writer.Open("if (thread < width)"))
            {
                writer.Line("float other = shared[thread + width];");
                writer.Line(kind switch
                {
                    "Max" => "shared[thread] = other > shared[thread] || float.IsNaN(other) ? other : shared[thread];",
                    "Min" => "shared[thread] = other < shared[thread] || float.IsNaN(other) ? other : shared[thread];",
                    "Product" => "shared[thread] *= other;",
                    _ => "shared[thread] += other;",
                });
            }

            writer.Line($"{Group}.Barrier();");
        }
    }

    /// <summary>Writes the loop that leaves the maximum or minimum in <c>extremum</c>: ±∞ when nothing is reduced, NaN when any value is NaN.</summary>
    private static void WriteExtremum(SourceWriter writer, string loop, string element, bool maximum)
    {
        writer.Line($"float extremum = {(maximum ? "float.NegativeInfinity" : "float.PositiveInfinity")};");
        using (writer.Open(loop))
        {
            writer.Line($"float value = {element};");
            using (writer.Open($"if (value {(maximum ? ">" : "<")} extremum || float.IsNaN(value))"))
            {
                writer.Line("extremum = value;");
            }
        }
    }

    /// <summary>Writes the loop that sums exp(x − <paramref name="maximum"/>) into <c>result</c>, the second pass of log(Σ exp(x)), which cannot overflow.</summary>
    private static void WriteExponentialSum(SourceWriter writer, string loop, string element, string maximum = "extremum")
    {
        writer.Line("float result = 0f;");
        using (writer.Open(loop))
        {
            writer.Line($"result += global::System.MathF.Exp({element} - {maximum});");
        }
    }

    /// <summary>Writes the loop that leaves a thread's partial result in <see cref="Reduction.Partial"/>.</summary>
    private static void WritePartial(SourceWriter writer, string loop, Reduction reduction)
    {
        if (reduction.IsExtremum)
        {
            WriteExtremum(writer, loop, reduction.Element, reduction.Kind == "Max");
            return;
        }

        writer.Line(reduction.Kind == "Product" ? "float result = 1f;" : "float result = 0f;");
        using (writer.Open(loop))
        {
            writer.Line($"float value = {reduction.Element};");
            writer.Line(reduction.Kind switch
            {
                "Product" => "result *= value;",
                "L1" => "result += global::System.MathF.Abs(value);",
                "L2" or "SumSquare" => "result += value * value;",
                _ => "result += value;",
            });
        }
    }

    /// <summary>The C# expression for the output from the combined partial results <paramref name="combined"/>.</summary>
    private static string Finish(Reduction reduction, string? combined = null)
    {
        combined ??= reduction.Partial;
        return reduction.Kind switch
        {
            // An empty mean is 0 / 0, NaN, as in the CPU kernel.
            "Mean" => $"{combined} / {Literals.Int(reduction.Count)}f",
            "L2" => $"global::System.MathF.Sqrt({combined})",
            "LogSum" => $"global::System.MathF.Log({combined})",
            _ => combined,
        };
    }
}
