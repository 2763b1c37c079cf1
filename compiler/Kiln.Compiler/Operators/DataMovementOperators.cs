using System.Collections.Generic;

namespace Kiln.Compiler.Operators;

/// <summary>Operators of one family, listed for <see cref="OperatorRegistry"/>.</summary>
internal static class DataMovementOperators
{
    public static IEnumerable<Operator> All => new Operator[]
    {
        new TransposeOperator(),
        new SqueezeOperator("Squeeze"),
        new SqueezeOperator("Unsqueeze"),
        new SliceOperator(),
        new PadOperator(),
        new TileOperator(),
        new ExpandOperator(),
        new DepthToSpaceOperator("DepthToSpace"),
        new DepthToSpaceOperator("SpaceToDepth"),
        ResizeOperator.Resize(),
        ResizeOperator.Upsample(),
        new GatherOperator(),
        new WhereOperator(),
        new CastOperator(),
        new ShapeOperator(),
        new ConstantOfShapeOperator(),
    };
}
