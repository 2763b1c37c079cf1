using System;
using System.Collections.Generic;
using System.Linq;
using Kiln.Compiler.Emit;
using Kiln.Compiler.Graph;

namespace Kiln.Compiler.Operators;

/// <summary>
/// Writes the GPU kernel of a windowed pooling step (MaxPool, AveragePool, LpPool) over 1, 2 or 3 spatial axes:
/// one thread per output element reduces the window's taps inside the input. An average divides by the taps inside
/// the input, or with count_include_pad by those inside the padded input, as the CPU kernel does. A maximum takes the
/// first NaN of the window, and the Indices output contains the flat position of the maximum in the input (row-major,
/// or with storage_order 1 column-major within the plane), as on the CPU. An Lp norm sums |x|^p in float, where the
/// CPU sums in double.
/// </summary>
internal static class PoolingGpuEmitter
{
    public enum Reduction
    {
        Max,
        Average,
        Lp,
    }

    /// <summary>What a window reduces to, and the options of each reduction.</summary>
    public sealed record Window(Reduction Reduction, bool CountIncludePad, bool WithIndices, bool ColumnMajor, int P);

    public static void Emit(Node node, GpuEmitContext context, string purpose, int[] input, SpatialGeometry g, Window window)
    {
        int rank = g.Kernel.Length;
        int[] spatial = input.Skip(2).ToArray();
        int inSpatial = spatial.Aggregate(1, (a, b) => a * b);
        int outSpatial = g.Output.Aggregate(1, (a, b) => a * b);
        int count = input[0] * input[1] * outSpatial;
        bool max = window.Reduction == Reduction.Max;
        string[] names = new[] { "depth", "row", "column" }.Skip(3 - rank).ToArray();

        var views = new List<(string, string)> { ("x", context.ReadInput(node, 0)), ("y", context.WriteOutput(node, 0)) };
        if (window.WithIndices)
        {
            views.Add(("indices", context.WriteOutput(node, 1)));
        }

        context.ElementwiseKernel(node, purpose, count, views, () =>
        {
            SourceWriter writer = context.Writer;
            int outStride = 1;
            for (int axis = rank - 1; axis >= 0; axis--)
            {
                writer.Line($"int {names[axis]}Start = {WindowStart(outStride, g.Output[axis], g.Strides[axis], g.PadBegin[axis])};");
                outStride *= g.Output[axis];
            }

            writer.Line($"int planeStart = {Scaled(Quotient("i", outSpatial), inSpatial)};");
            writer.Line(max ? "float result = float.NegativeInfinity;" : "float result = 0f;");
            if (window.WithIndices)
            {
                writer.Line("int position = -1;");
            }
            else if (window.Reduction == Reduction.Average)
            {
                writer.Line("int taps = 0;");
            }

            var loops = new List<IDisposable>();
            for (int axis = 0; axis < rank; axis++)
            {
                string name = names[axis];
                string tap = "kernel" + char.ToUpperInvariant(name[0]) + name.Substring(1);
                loops.Add(writer.Open($"for (int {tap} = 0; {tap} < {g.Kernel[axis]}; {tap}++)"));
                writer.Line($"int {name} = {name}Start + {Scaled(tap, g.Dilations[axis])};");
            }

            WriteTap(writer, g, window, names, spatial);
            for (int loop = loops.Count - 1; loop >= 0; loop--)
            {
                loops[loop].Dispose();
            }

            writer.Line(window.Reduction switch
            {
                Reduction.Max => "y[i] = result;",
                Reduction.Average => "y[i] = result / taps;",
                _ => $"y[i] = {LpRoot("result", window.P)};",
            });
            if (window.WithIndices)
            {
                writer.Line("indices[i] = position < 0 ? -1f : planeStart + position;");
            }
        });
    }

    /// <summary>Writes the body of the innermost tap loop: the bounds check and the update of the reduction.</summary>
    private static void WriteTap(SourceWriter writer, SpatialGeometry g, Window window, string[] names, int[] spatial)
    {
        int rank = names.Length;
        string inside = string.Join(" && ", Enumerable.Range(0, rank).Select(axis => $"{names[axis]} >= 0 && {names[axis]} < {spatial[axis]}"));
        writer.Line($"bool inside = {inside};");
        if (window.Reduction == Reduction.Average && window.CountIncludePad)
        {
            string insidePadding = string.Join(" && ", Enumerable.Range(0, rank).Select(axis => $"{names[axis]} >= {-g.PadBegin[axis]} && {names[axis]} < {spatial[axis] + g.PadEnd[axis]}"));
            writer.Line($"taps += {insidePadding} ? 1 : 0;");
        }
        else if (window.Reduction == Reduction.Average)
        {
            writer.Line("taps += inside ? 1 : 0;");
        }

        using (writer.Open("if (inside)"))
        {
            string offset = names[0];
            for (int axis = 1; axis < rank; axis++)
            {
                offset = $"({Scaled(offset, spatial[axis])}) + {names[axis]}";
            }

            writer.Line($"float value = x[planeStart + {offset}];");
            switch (window.Reduction)
            {
                case Reduction.Average:
                    writer.Line("result += value;");
                    break;
                case Reduction.Lp:
                    writer.Line($"result += {LpPower("value", window.P)};");
                    break;
                default:
                    // A NaN replaces any number, but no later value replaces a NaN, as MathF.Max does on the CPU. With
                    // Indices, the first tap inside also counts, so that a window of -∞ still has a position.
                    string replaces = "value > result || (float.IsNaN(value) && !float.IsNaN(result))";
                    using (writer.Open(window.WithIndices ? $"if ({replaces} || position < 0)" : $"if ({replaces})"))
                    {
                        writer.Line("result = value;");
                        if (window.WithIndices)
                        {
                            writer.Line($"position = {(window.ColumnMajor ? ColumnMajorPosition(names, spatial) : offset)};");
                        }
                    }

                    break;
            }
        }
    }

    /// <summary>The expression |<paramref name="value"/>|^p.</summary>
    public static string LpPower(string value, int p) => p switch
    {
        1 => $"global::System.MathF.Abs({value})",
        2 => $"{value} * {value}",
        _ => $"global::System.MathF.Pow(global::System.MathF.Abs({value}), {p}f)",
    };

    /// <summary>The expression <paramref name="sum"/>^(1/p).</summary>
    public static string LpRoot(string sum, int p) => p switch
    {
        1 => sum,
        2 => $"global::System.MathF.Sqrt({sum})",
        _ => $"global::System.MathF.Pow({sum}, {Literals.Float(1f / p)})",
    };

    /// <summary>
    /// The expression for the first input position of a window along one axis: the output coordinate of element
    /// <c>i</c> (the quotient by <paramref name="outStride"/>, modulo <paramref name="outSize"/>) times the stride,
    /// minus the leading pad. Factors of 1 and a pad of 0 are left out, so the generated line reads like the formula.
    /// </summary>
    private static string WindowStart(int outStride, int outSize, int stride, int padBegin)
    {
        string coordinate = outSize == 1 ? "0" : $"{Quotient("i", outStride)} % {outSize}";
        string start = coordinate == "0" ? "0" : Scaled(coordinate, stride);
        if (padBegin == 0)
        {
            return start;
        }

        return start == "0" ? $"{-padBegin}" : $"({start}) - {padBegin}";
    }

    /// <summary>The expression <paramref name="value"/> / <paramref name="divisor"/>, or the value alone for a divisor of 1.</summary>
    private static string Quotient(string value, int divisor) => divisor == 1 ? value : $"{value} / {divisor}";

    /// <summary>
    /// The expression <paramref name="value"/> × <paramref name="factor"/>, or the value alone for a factor of 1. A sum
    /// or difference is put in parentheses first.
    /// </summary>
    private static string Scaled(string value, int factor)
    {
        if (factor == 1)
        {
            return value;
        }

        bool compound = value.Contains(" + ") || value.Contains(" - ");
        return compound ? $"({value}) * {factor}" : $"{value} * {factor}";
    }

    /// <summary>The column-major position within a plane: the first spatial axis varies fastest.</summary>
    private static string ColumnMajorPosition(string[] names, int[] spatial)
    {
        string position = names[names.Length - 1];
        for (int axis = names.Length - 2; axis >= 0; axis--)
        {
            position = $"({Scaled(position, spatial[axis])}) + {names[axis]}";
        }

        return position;
    }
}
