using System.Collections.Generic;
using System.Linq;
using Kiln.Compiler.Emit;
using Kiln.Compiler.Graph;

namespace Kiln.Compiler.Operators;

/// <summary>
/// The GPU kernel of the Reduce operators: one thread per output element, which walks the reduced axes with literal
/// strides. Neighbouring threads compute neighbouring kept positions, so their reads are coalesced when the last kept
/// axis is the input's last axis.
/// </summary>
/// <remarks>
/// The sums accumulate in float, where the CPU kernel uses double, so long reductions differ from it by rounding.
/// </remarks>
internal static class GpuReduction
{
    /// <summary>Writes the kernel that reduces input 0 of <paramref name="shape"/> over the <paramref name="reduced"/> axes by <paramref name="kind"/>, a member of <c>Kiln.Cpu.ReductionKind</c>.</summary>
    public static void Emit(Node node, GpuEmitContext context, int[] shape, bool[] reduced, string kind)
    {
        (int[] dims, bool[] kinds) = Merge(shape, reduced);
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

        // NOTE: one thread reduces each output, so a reduction to a few outputs (all axes, say) runs on a few threads.
        var views = new[] { ("x", context.ReadInput(node, 0)), ("y", context.WriteOutput(node, 0)) };
        context.ElementwiseKernel(node, "Reduce" + kind, keptCount, views, () =>
        {
            SourceWriter writer = context.Writer;
            writer.Line($"int first = {GpuStridedCopy.Dot("i", keptDims, keptStrides, 0)};");
            string element = $"x[first + {GpuStridedCopy.Dot("r", reducedDims, reducedStrides, 0)}]";
            string loop = $"for (int r = 0; r < {Literals.Int(reducedCount)}; r++)";
            switch (kind)
            {
                case "Max":
                case "Min":
                    WriteExtremum(writer, loop, element, kind == "Max");
                    writer.Line("y[i] = extremum;");
                    break;

                case "LogSumExp":
                    WriteLogSumExp(writer, loop, element);
                    break;

                default:
                    WriteAccumulation(writer, loop, element, kind, reducedCount);
                    break;
            }
        });
    }

    /// <summary>
    /// Drops axes of length 1 and merges neighbouring axes that are both reduced or both kept, which describes the
    /// same reduction with fewer divisions.
    /// </summary>
    private static (int[] Dims, bool[] Kinds) Merge(int[] shape, bool[] reduced)
    {
        var dims = new List<int>();
        var kinds = new List<bool>();
        for (int axis = 0; axis < shape.Length; axis++)
        {
            if (shape[axis] == 1)
            {
                continue;
            }

            if (kinds.Count > 0 && kinds[kinds.Count - 1] == reduced[axis])
            {
                dims[dims.Count - 1] *= shape[axis];
                continue;
            }

            dims.Add(shape[axis]);
            kinds.Add(reduced[axis]);
        }

        return (dims.ToArray(), kinds.ToArray());
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

    /// <summary>Writes log(Σ exp(x)) as max + log(Σ exp(x − max)), so that exp cannot overflow.</summary>
    private static void WriteLogSumExp(SourceWriter writer, string loop, string element)
    {
        WriteExtremum(writer, loop, element, maximum: true);

        // All values −∞ (or none) give −∞, and any +∞ gives +∞. Subtracting an infinite maximum would give NaN instead.
        using (writer.Open("if (float.IsInfinity(extremum) || float.IsNaN(extremum))"))
        {
            writer.Line("y[i] = extremum;");
        }

        using (writer.Open("else"))
        {
            writer.Line("float sum = 0f;");
            using (writer.Open(loop))
            {
                writer.Line($"sum += global::System.MathF.Exp({element} - extremum);");
            }

            writer.Line("y[i] = extremum + global::System.MathF.Log(sum);");
        }
    }

    /// <summary>Writes the kinds that sum or multiply a function of each value: Sum, Mean, Product, L1, L2, SumSquare and LogSum.</summary>
    private static void WriteAccumulation(SourceWriter writer, string loop, string element, string kind, int reducedCount)
    {
        bool product = kind == "Product";
        writer.Line(product ? "float result = 1f;" : "float result = 0f;");
        using (writer.Open(loop))
        {
            writer.Line($"float value = {element};");
            writer.Line(kind switch
            {
                "Product" => "result *= value;",
                "L1" => "result += global::System.MathF.Abs(value);",
                "L2" or "SumSquare" => "result += value * value;",
                _ => "result += value;",
            });
        }

        writer.Line(kind switch
        {
            // An empty mean is 0 / 0, NaN, as in the CPU kernel.
            "Mean" => $"y[i] = result / {Literals.Int(reducedCount)}f;",
            "L2" => "y[i] = global::System.MathF.Sqrt(result);",
            "LogSum" => "y[i] = global::System.MathF.Log(result);",
            _ => "y[i] = result;",
        });
    }
}
