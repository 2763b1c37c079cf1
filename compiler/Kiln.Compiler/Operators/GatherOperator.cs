using System.Collections.Generic;
using System.Linq;
using Kiln.Compiler.Emit;
using Kiln.Compiler.Graph;

namespace Kiln.Compiler.Operators;

/// <summary>
/// Gather, opsets 1–17: entries of the data along <c>axis</c> (default 0) picked by an int32 or int64 index tensor,
/// which may be negative (documented from opset 11). The output shape is data[:axis] + indices + data[axis + 1:].
/// Gathers on build-time integers are folded by the shape folding pass; this operator runs the rest.
/// </summary>
internal sealed class GatherOperator : Operator
{
    public GatherOperator()
        : base("Gather", 1, 17)
    {
    }

    public override void InferShapes(Node node, ShapeContext context)
    {
        TensorInfo data = context.NumericInput(node, 0);
        TensorInfo indices = context.NumericInput(node, 1);
        if (!ElementTypes.IsInteger(indices.Type))
        {
            throw context.Error(node, $"the indices ('{indices.Name}') are {ElementTypes.Name(indices.Type)}, but Gather takes int32 or int64 indices");
        }

        int axis = Axis(node, context, data.Shape.Length);
        int length = data.Shape[axis];
        foreach (long index in indices.IntegerValues ?? System.Array.Empty<long>())
        {
            if (index < -length || index >= length)
            {
                throw context.Error(node, $"the index {index} lies outside axis {axis}, which has {length} entries, so indices must lie in [{-length}, {length - 1}]");
            }
        }

        int[] shape = data.Shape.Take(axis).Concat(indices.Shape).Concat(data.Shape.Skip(axis + 1)).ToArray();
        context.SetOutput(node, 0, data.Type, shape);
    }

    public override string DescribeAttributes(Node node, ShapeContext context) =>
        $"axis {Axis(node, context, context.Input(node, 0).Shape.Length)}";

    public override void EmitCpu(Node node, CpuEmitContext context)
    {
        int[] shape = context.Shapes.Input(node, 0).Shape;
        int axis = Axis(node, context.Shapes, shape.Length);
        (int outer, int inner) = StridedCopyEmitter.AroundAxis(shape, axis);
        context.Writer.Line(
            $"{CpuEmitContext.Kernels}Gathering.Gather({context.ReadInput(node, 0)}, {context.ReadInput(node, 1)}, {context.WriteOutput(node, 0)}, " +
            $"outer: {outer}, length: {shape[axis]}, inner: {inner});");
    }

    public override bool HasGpuKernels => true;

    /// <summary>
    /// One thread per output element, which reads its index and copies one data element. Indices known at build time
    /// are written into the kernel, and run-time indices are read from the index tensor.
    /// </summary>
    public override void EmitGpu(Node node, GpuEmitContext context)
    {
        int[] shape = context.Shapes.Input(node, 0).Shape;
        TensorInfo indices = context.Shapes.Input(node, 1);
        int axis = Axis(node, context.Shapes, shape.Length);
        (int outer, int inner) = StridedCopyEmitter.AroundAxis(shape, axis);
        int length = shape[axis];
        int count = outer * indices.ElementCount * inner;
        if (count == 0)
        {
            return;
        }

        if (length == 0)
        {
            throw context.Unsupported(node, $"the gathered axis {axis} is empty, so no index can be valid");
        }

        long[]? constant = indices.IntegerValues;
        var views = new List<(string, string)> { ("data", context.ReadInput(node, 0)), ("y", context.WriteOutput(node, 0)) };
        if (constant is null)
        {
            views.Add(("indices", context.ReadInput(node, 1)));
        }

        string j = GpuStridedCopy.Coordinate("i", new[] { outer, indices.ElementCount, inner }, 1);
        string o = GpuStridedCopy.Coordinate("i", new[] { outer, indices.ElementCount, inner }, 0);
        string r = GpuStridedCopy.Coordinate("i", new[] { outer, indices.ElementCount, inner }, 2);
        string? constantIndex = constant is null ? null : ConstantIndex(node, context, constant, length, "position");
        SourceWriter writer = context.Writer;
        context.ElementwiseKernel(node, "Gather", count, views, () =>
        {
            string source = $"((({o}) * {Literals.Int(length)}) + index) * {Literals.Int(inner)} + ({r})";
            if (constantIndex is not null)
            {
                if (constantIndex.Contains("position"))
                {
                    writer.Line($"int position = {j};");
                }

                writer.Line($"int index = {constantIndex};");
                writer.Line($"y[i] = data[{source}];");
                return;
            }

            // NOTE: a GPU kernel cannot raise an error, so an index outside the axis, which the CPU code rejects,
            // gives NaN here. The read goes to index 0 instead, so it never leaves the data.
            writer.Line($"int index = (int)indices[{j}];");
            writer.Line($"index = index < 0 ? index + {Literals.Int(length)} : index;");
            writer.Line($"bool valid = index >= 0 && index < {Literals.Int(length)};");
            writer.Line("index = valid ? index : 0;");
            writer.Line($"y[i] = valid ? data[{source}] : float.NaN;");
        });
    }

    /// <summary>
    /// The C# expression for build-time index number <paramref name="position"/> (itself an expression), normalized to
    /// [0, length): a literal for one index, a linear expression for an arithmetic progression, else a lookup.
    /// </summary>
    private static string ConstantIndex(Node node, GpuEmitContext context, long[] values, int length, string position)
    {
        long[] normalized = values.Select(index => index < 0 ? index + length : index).ToArray();
        if (normalized.Length == 1)
        {
            return Literals.Int(normalized[0]);
        }

        long step = normalized[1] - normalized[0];
        if (normalized.Zip(normalized.Skip(1), (a, b) => b - a).All(difference => difference == step))
        {
            return $"{Literals.Int(normalized[0])} + ({position} * {Literals.Int(step)})";
        }

        if (normalized.Length > MaxLookup)
        {
            throw context.Unsupported(node, $"its {normalized.Length} build-time indices are not an arithmetic progression, " +
                $"and the GPU kernel writes at most {MaxLookup} such indices into its code; pass the indices as a run-time tensor instead");
        }

        // A conditional chain keeps the kernel free of arrays, which ILGPU kernels cannot hold.
        var chain = new System.Text.StringBuilder();
        for (int k = 0; k < normalized.Length - 1; k++)
        {
            chain.Append($"{position} == {Literals.Int(k)} ? {Literals.Int(normalized[k])} : ");
        }

        return chain.Append(Literals.Int(normalized[normalized.Length - 1])).ToString();
    }

    /// <summary>The most build-time indices written into a kernel as a conditional chain.</summary>
    private const int MaxLookup = 64;

    private static int Axis(Node node, ShapeContext context, int rank)
    {
        if (rank == 0)
        {
            throw context.Error(node, "the data is a scalar, which has no axis to gather along");
        }

        return StridedCopyEmitter.NormalizeAxis(node, context, node.GetInt(context, "axis", 0), rank, "axis");
    }
}
