using System.Linq;
using Kiln.Compiler.Graph;

namespace Kiln.Compiler.Operators;

/// <summary>
/// Flatten and Reshape: the values stay in the same order, so the emitted code is one copy into the output.
/// </summary>
internal sealed class ReshapeOperator : Operator
{
    private ReshapeOperator(string opType, int firstOpset)
        : base(opType, firstOpset, 17)
    {
    }

    public static ReshapeOperator Flatten() => new ReshapeOperator("Flatten", 1);

    /// <summary>Reshape from opset 5, where the target shape is an input rather than an attribute.</summary>
    public static ReshapeOperator Reshape() => new ReshapeOperator("Reshape", 5);

    public override void InferShapes(Node node, ShapeContext context)
    {
        TensorInfo x = context.Input(node, 0);
        int[] shape = OpType == "Flatten" ? FlattenShape(node, context, x.Shape) : ReshapeShape(node, context, x.Shape);
        context.SetOutput(node, 0, x.Type, shape, x.IntegerValues);
    }

    public override void EmitCpu(Node node, CpuEmitContext context)
    {
        context.Shapes.NumericInput(node, 0);
        context.Writer.Line($"{context.ReadInput(node, 0)}.CopyTo({context.WriteOutput(node, 0)});");
    }

    public override bool HasGpuKernels => true;

    public override void EmitGpu(Node node, GpuEmitContext context)
    {
        int count = context.Shapes.Input(node, 0).ElementCount;
        var views = new[] { ("x", context.ReadInput(node, 0)), ("y", context.WriteOutput(node, 0)) };
        context.ElementwiseKernelUnlessEmpty(node, "Copy", count, views, () => context.Writer.Line("y[i] = x[i];"));
    }

    private static int[] FlattenShape(Node node, ShapeContext context, int[] shape)
    {
        int rank = shape.Length;
        long axis = node.GetInt(context, "axis", 1);
        if (axis < -rank || axis > rank)
        {
            throw context.Error(node, $"axis {axis} is outside [-{rank}, {rank}] for an input of rank {rank}");
        }

        int a = (int)(axis < 0 ? axis + rank : axis);
        return new[] { shape.Take(a).Aggregate(1, (p, d) => p * d), shape.Skip(a).Aggregate(1, (p, d) => p * d) };
    }

    private static int[] ReshapeShape(Node node, ShapeContext context, int[] input)
    {
        long[] requested = context.ConstantIntegers(node, 1, "target shape");
        bool allowZero = node.GetInt(context, "allowzero", 0) != 0;
        var shape = new int[requested.Length];
        int inferred = -1;
        long known = 1;
        for (int i = 0; i < requested.Length; i++)
        {
            long dim = requested[i];
            if (dim == 0 && !allowZero)
            {
                if (i >= input.Length)
                {
                    throw context.Error(node, $"target dimension {i} is 0 (copy the input's), but the input has rank {input.Length}");
                }

                dim = input[i];
            }

            if (dim == -1)
            {
                if (inferred >= 0)
                {
                    throw context.Error(node, "the target shape has more than one -1");
                }

                inferred = i;
                continue;
            }

            if (dim < 0 || dim > int.MaxValue)
            {
                throw context.Error(node, $"target dimension {i} is {dim}, but dimensions must be -1, 0 or positive");
            }

            shape[i] = (int)dim;
            known *= dim;
        }

        long total = input.Aggregate(1L, (p, d) => p * d);
        if (inferred >= 0)
        {
            if (known == 0 || total % known != 0)
            {
                throw context.Error(node, $"cannot infer the -1 dimension: {total} elements do not divide into the known dimensions' {known}");
            }

            shape[inferred] = (int)(total / known);
        }
        else if (known != total)
        {
            throw context.Error(node, $"the target shape {string.Join("×", requested)} has {known} elements, but the input {string.Join("×", input)} has {total}");
        }

        return shape;
    }
}

/// <summary>Identity: no code; the output names the input's values.</summary>
internal sealed class PassthroughOperator : Operator
{
    public PassthroughOperator(string opType, int firstOpset)
        : base(opType, firstOpset, 17)
    {
    }

    public override bool IsAlias(Node node, ShapeContext context) => true;

    public override void InferShapes(Node node, ShapeContext context)
    {
        TensorInfo x = context.Input(node, 0);
        context.SetOutput(node, 0, x.Type, x.Shape, x.IntegerValues);
    }

    public override void EmitCpu(Node node, CpuEmitContext context)
    {
        // Never called: the alias pass removes these nodes before code is emitted.
    }
}
