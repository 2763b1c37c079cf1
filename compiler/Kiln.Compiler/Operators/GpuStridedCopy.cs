using System.Collections.Generic;
using System.Linq;
using Kiln.Compiler.Emit;
using Kiln.Compiler.Graph;

namespace Kiln.Compiler.Operators;

/// <summary>
/// The GPU form of <see cref="StridedCopyEmitter"/>: one thread per output element, which splits its row-major index
/// into coordinates by literal divisors and reads input 0 at the offset plus the coordinates dotted with literal strides.
/// Consecutive threads write consecutive outputs, so the writes are coalesced; the reads are when the innermost stride is 1.
/// </summary>
internal static class GpuStridedCopy
{
    /// <summary>
    /// Writes the kernel that fills the node's output by walking <paramref name="shape"/> in row-major order and reading
    /// input 0 at <paramref name="offset"/> plus the index dotted with <paramref name="strides"/>. An empty output gets
    /// no kernel, because there is nothing to write.
    /// </summary>
    public static void Emit(Node node, GpuEmitContext context, int[] shape, int[] strides, int offset = 0)
    {
        int count = shape.Aggregate(1, (product, dim) => product * dim);
        if (count == 0)
        {
            return;
        }

        (int[] dims, int[] merged) = Simplify(shape, strides);
        string source = Dot("i", dims, merged, offset);
        var views = new[] { ("x", context.ReadInput(node, 0)), ("y", context.WriteOutput(node, 0)) };
        context.ElementwiseKernel(node, "Copy", count, views, () => context.Writer.Line($"y[i] = x[{source}];"));
    }

    /// <summary>
    /// Drops axes of length 1 and merges each axis into the one before it when the two walk the source as one axis,
    /// so that the kernel divides as few times as possible. The result describes the same copy.
    /// </summary>
    public static (int[] Shape, int[] Strides) Simplify(int[] shape, int[] strides)
    {
        var dims = new List<int>();
        var steps = new List<int>();
        for (int axis = 0; axis < shape.Length; axis++)
        {
            if (shape[axis] == 1)
            {
                continue;
            }

            int last = dims.Count - 1;
            if (last >= 0 && steps[last] == strides[axis] * shape[axis])
            {
                dims[last] *= shape[axis];
                steps[last] = strides[axis];
                continue;
            }

            dims.Add(shape[axis]);
            steps.Add(strides[axis]);
        }

        return (dims.ToArray(), steps.ToArray());
    }

    /// <summary>
    /// The C# expression for coordinate <paramref name="axis"/> of the row-major index <paramref name="index"/> into
    /// <paramref name="shape"/>, with literal divisors.
    /// </summary>
    public static string Coordinate(string index, int[] shape, int axis)
    {
        int inner = shape.Skip(axis + 1).Aggregate(1, (product, dim) => product * dim);
        string quotient = inner == 1 ? index : $"{index} / {Literals.Int(inner)}";
        return axis == 0 ? quotient : $"{quotient} % {Literals.Int(shape[axis])}";
    }

    /// <summary>
    /// The C# expression <paramref name="offset"/> + Σ coordinate · stride for the row-major index
    /// <paramref name="index"/> into <paramref name="shape"/>, leaving out the axes of stride 0.
    /// </summary>
    public static string Dot(string index, int[] shape, int[] strides, int offset)
    {
        var terms = new List<string>();
        for (int axis = 0; axis < shape.Length; axis++)
        {
            if (strides[axis] == 0)
            {
                continue;
            }

            string coordinate = Coordinate(index, shape, axis);
            coordinate = coordinate.Contains(" ") ? $"({coordinate})" : coordinate;
            terms.Add(strides[axis] == 1 ? coordinate : $"{coordinate} * {Literals.Int(strides[axis])}");
        }

        if (offset != 0 || terms.Count == 0)
        {
            terms.Add(Literals.Int(offset));
        }

        return string.Join(" + ", terms);
    }
}
