using System.Linq;
using Kiln.Compiler.Emit;
using Kiln.Compiler.Graph;

namespace Kiln.Compiler.Operators;

/// <summary>
/// Emits one call to <c>Kiln.Cpu.StridedCopy.Copy</c>, the kernel of every operator whose output is an affine index
/// map of its input (Transpose, Slice, Tile, Expand, DepthToSpace, SpaceToDepth).
/// </summary>
internal static class StridedCopyEmitter
{
    /// <summary>
    /// Writes the call that fills the node's output by walking <paramref name="shape"/> in row-major order and reading
    /// input 0 at <paramref name="offset"/> plus the index dotted with <paramref name="strides"/>.
    /// <paramref name="shape"/> may split the output's axes further, as long as its product is the output's length.
    /// </summary>
    public static void Emit(Node node, CpuEmitContext context, int[] shape, int[] strides, int offset = 0)
    {
        string call = $"{CpuEmitContext.Kernels}StridedCopy.Copy({context.ReadInput(node, 0)}, {context.WriteOutput(node, 0)}, " +
            $"shape: {Literals.IntArray(shape)}, sourceStrides: {Literals.IntArray(strides)}";
        context.Writer.Line(offset == 0 ? call + ");" : $"{call}, sourceOffset: {Literals.Int(offset)});");
    }

    /// <summary>The row-major strides of <paramref name="shape"/>: the last axis has stride 1.</summary>
    public static int[] RowMajorStrides(int[] shape)
    {
        var strides = new int[shape.Length];
        int stride = 1;
        for (int axis = shape.Length - 1; axis >= 0; axis--)
        {
            strides[axis] = stride;
            stride *= shape[axis];
        }

        return strides;
    }

    /// <summary>Normalizes an axis in [-rank, rank) to [0, rank), or throws the node's error naming <paramref name="role"/>.</summary>
    public static int NormalizeAxis(Node node, ShapeContext context, long axis, int rank, string role)
    {
        if (axis < -rank || axis >= rank)
        {
            throw context.Error(node, $"{role} {axis} is outside [-{rank}, {rank - 1}]");
        }

        return (int)(axis < 0 ? axis + rank : axis);
    }

    /// <summary>Returns the products of the dimensions before and after <paramref name="axis"/>, which see a tensor as outer × axis × inner.</summary>
    public static (int Outer, int Inner) AroundAxis(int[] shape, int axis) =>
        (shape.Take(axis).Aggregate(1, (p, d) => p * d), shape.Skip(axis + 1).Aggregate(1, (p, d) => p * d));

    public static string Join(int[] values) => values.Length == 0 ? "none" : string.Join(", ", values.Select(v => Literals.Int(v)));
}
