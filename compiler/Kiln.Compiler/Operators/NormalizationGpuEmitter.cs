using System;
using System.Collections.Generic;
using Kiln.Compiler.Emit;
using Kiln.Compiler.Graph;

namespace Kiln.Compiler.Operators;

/// <summary>
/// Writes the GPU kernel of a normalization that takes the mean and variance of the input itself (InstanceNormalization,
/// LayerNormalization, MeanVarianceNormalization, BatchNormalization in training mode). Each thread group takes one
/// normalized set of elements, a row, at a time: its threads read the row's elements with a stride of the group size,
/// so neighboring threads read neighboring elements where the row is contiguous, and sum them through
/// <c>GroupReduction</c> in shared memory. The mean comes first, then the population variance of the centered values,
/// both in float (the CPU kernels sum in double).
/// </summary>
internal static class NormalizationGpuEmitter
{
    /// <summary>
    /// A normalization's rows: <see cref="Offset"/> gives the index expression of element (row, column) from the
    /// names of the two int locals; <see cref="Output"/> gives the expression of the output at (row, column), from
    /// the locals <c>centered</c> (x − mean) and <c>inverse</c>; <see cref="Inverse"/> gives the expression of
    /// <c>inverse</c> from the float local <c>variance</c>; <see cref="Statistics"/>, when set, writes what thread 0
    /// of the group stores per row, with the locals <c>row</c>, <c>mean</c>, <c>variance</c> and <c>inverse</c>.
    /// </summary>
    public sealed record Rows(
        int Count,
        int Columns,
        Func<string, string, string> Offset,
        Func<string, string, string> Output,
        string Inverse,
        Action? Statistics);

    public static void Emit(Node node, GpuEmitContext context, string purpose, IEnumerable<(string Local, string View)> views, Rows rows)
    {
        if (rows.Count == 0 || rows.Columns == 0)
        {
            throw context.Unsupported(node, "its tensors have no elements, and the GPU kernels launch at least one thread");
        }

        SourceWriter writer = context.Writer;
        string groupSize = $"{GpuEmitContext.Runtime}GpuProgram.GroupSize";
        using (context.Kernel(node, purpose, Literals.Int(rows.Count)))
        {
            foreach ((string local, string view) in views)
            {
                writer.Line($"{GpuEmitContext.View} {local} = {view};");
            }

            writer.Line("int thread = global::ILGPU.Group.IdxX;");
            using (writer.Open($"for (int row = global::ILGPU.Grid.IdxX; row < {rows.Count}; row += global::ILGPU.Grid.DimX)"))
            {
                writer.Line("float sum = 0f;");
                using (writer.Open($"for (int column = thread; column < {rows.Columns}; column += {groupSize})"))
                {
                    writer.Line($"sum += x[{rows.Offset("row", "column")}];");
                }

                writer.Line($"float mean = {GpuEmitContext.Runtime}GroupReduction.Sum(sum) / {rows.Columns}f;");
                writer.Line();
                writer.Line("float squares = 0f;");
                using (writer.Open($"for (int column = thread; column < {rows.Columns}; column += {groupSize})"))
                {
                    writer.Line($"float centered = x[{rows.Offset("row", "column")}] - mean;");
                    writer.Line("squares += centered * centered;");
                }

                writer.Line($"float variance = {GpuEmitContext.Runtime}GroupReduction.Sum(squares) / {rows.Columns}f;");
                writer.Line($"float inverse = {rows.Inverse};");
                writer.Line();
                using (writer.Open($"for (int column = thread; column < {rows.Columns}; column += {groupSize})"))
                {
                    writer.Line($"int offset = {rows.Offset("row", "column")};");
                    writer.Line("float centered = x[offset] - mean;");
                    writer.Line($"y[offset] = {rows.Output("row", "column")};");
                }

                if (rows.Statistics is not null)
                {
                    using (writer.Open("if (thread == 0)"))
                    {
                        rows.Statistics();
                    }
                }
            }
        }
    }
}
