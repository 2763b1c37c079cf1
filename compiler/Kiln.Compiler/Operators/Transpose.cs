using System.Linq;
using Kiln.Compiler.Graph;

namespace Kiln.Compiler.Operators;

/// <summary>Transpose (opsets 1–17): output axis i is input axis perm[i]; without perm the axes are reversed.</summary>
internal sealed class TransposeOperator : StridedCopyOperator
{
    public TransposeOperator()
        : base("Transpose", 1, 17)
    {
    }

    public override void InferShapes(Node node, ShapeContext context)
    {
        TensorInfo x = context.NumericInput(node, 0);
        int[] perm = Permutation(node, context, x.Shape.Length);
        context.SetOutput(node, 0, x.Type, perm.Select(axis => x.Shape[axis]).ToArray());
    }

    public override string DescribeAttributes(Node node, ShapeContext context) =>
        $"perm {StridedCopyEmitter.Join(Permutation(node, context, context.Input(node, 0).Shape.Length))}";

    /// <summary>The output shape and, per output axis, the stride of the input axis it reads.</summary>
    protected override (int[] Shape, int[] Strides, int Offset) Copy(Node node, ShapeContext context)
    {
        int[] input = context.Input(node, 0).Shape;
        int[] perm = Permutation(node, context, input.Length);
        int[] inputStrides = StridedCopyEmitter.RowMajorStrides(input);
        return (perm.Select(axis => input[axis]).ToArray(), perm.Select(axis => inputStrides[axis]).ToArray(), 0);
    }

    private static int[] Permutation(Node node, ShapeContext context, int rank)
    {
        long[]? perm = node.GetInts(context, "perm");
        if (perm is null)
        {
            return Enumerable.Range(0, rank).Reverse().ToArray();
        }

        bool valid = perm.Length == rank && perm.All(axis => axis >= 0 && axis < rank) && perm.Distinct().Count() == rank;
        if (!valid)
        {
            throw context.Error(node, $"perm {string.Join(", ", perm)} is not a permutation of the {rank} input axes");
        }

        return perm.Select(axis => (int)axis).ToArray();
    }
}
