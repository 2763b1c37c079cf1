using Kiln.Compiler.Graph;

namespace Kiln.Compiler.Operators;

/// <summary>
/// An operator whose output is an affine index map of its input (Transpose, Slice, Tile, Expand, DepthToSpace,
/// SpaceToDepth): it describes the map once, and both backends emit it as a strided copy.
/// </summary>
internal abstract class StridedCopyOperator : Operator
{
    protected StridedCopyOperator(string opType, int firstOpset, int lastOpset)
        : base(opType, firstOpset, lastOpset)
    {
    }

    public sealed override void EmitCpu(Node node, CpuEmitContext context)
    {
        (int[] shape, int[] strides, int offset) = Copy(node, context.Shapes);
        StridedCopyEmitter.Emit(node, context, shape, strides, offset);
    }

    public sealed override bool HasGpuKernels => true;

    public sealed override void EmitGpu(Node node, GpuEmitContext context)
    {
        (int[] shape, int[] strides, int offset) = Copy(node, context.Shapes);
        GpuStridedCopy.Emit(node, context, shape, strides, offset);
    }

    /// <summary>
    /// Describes the copy: the output walked in row-major order as <c>Shape</c> (whose product is the output's length),
    /// and the input element each position reads, <c>Offset</c> plus the position dotted with <c>Strides</c>.
    /// </summary>
    protected abstract (int[] Shape, int[] Strides, int Offset) Copy(Node node, ShapeContext context);
}
