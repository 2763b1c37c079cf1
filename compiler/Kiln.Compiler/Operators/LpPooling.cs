using System.Linq;
using Kiln.Compiler.Graph;

namespace Kiln.Compiler.Operators;

/// <summary>
/// LpPool over 1-D and 2-D windows, opsets 11–17: (Σ |x|^p)^(1/p) per window, with the integer attribute p (default 2),
/// kernel_shape, strides, pads and auto_pad. Opsets before 11 are not claimed: opset 1 took p as a float, and opset 2
/// defined SAME padding as an output as large as the input, where opset 11 has ceil(input / stride).
/// </summary>
internal sealed class LpPoolOperator : Operator
{
    public LpPoolOperator()
        : base("LpPool", 11, 17)
    {
    }

    public override void InferShapes(Node node, ShapeContext context)
    {
        (int[] input, SpatialGeometry geometry) = Compute(node, context);
        context.SetOutput(node, 0, ElementType.Float, new[] { input[0], input[1] }.Concat(geometry.Output).ToArray());
    }

    public override string DescribeAttributes(Node node, ShapeContext context)
    {
        (_, SpatialGeometry geometry) = Compute(node, context);
        return $"{geometry.Describe()}, p {node.GetInt(context, "p", 2)}";
    }

    public override void EmitCpu(Node node, CpuEmitContext context)
    {
        (int[] input, SpatialGeometry g) = Compute(node, context.Shapes);
        string geometry = PoolOperator.DeclareGeometry(context, node, input, g);
        long p = node.GetInt(context.Shapes, "p", 2);
        context.Writer.Line($"{CpuEmitContext.Kernels}Pooling.LpPool2D({context.ReadInput(node, 0)}, {context.WriteOutput(node, 0)}, {geometry}, p: {p});");
    }

    public override bool HasGpuKernels => true;

    /// <summary>One thread per output element sums |x|^p over the window's taps inside the input, in float.</summary>
    public override void EmitGpu(Node node, GpuEmitContext context)
    {
        (int[] input, SpatialGeometry g) = Compute(node, context.Shapes);
        int p = (int)node.GetInt(context.Shapes, "p", 2);
        var window = new PoolingGpuEmitter.Window(PoolingGpuEmitter.Reduction.Lp, CountIncludePad: false, WithIndices: false, ColumnMajor: false, P: p);
        PoolingGpuEmitter.Emit(node, context, OpType, input, g, window);
    }

    private static (int[] Input, SpatialGeometry Geometry) Compute(Node node, ShapeContext context)
    {
        TensorInfo x = context.FloatInput(node, 0);
        if (x.Shape.Length < 3 || x.Shape.Length > 4)
        {
            throw context.Error(node, $"the input has shape {x.ShapeText}, but Kiln compiles 1-D and 2-D pooling (N×C×W or N×C×H×W) so far");
        }

        long p = node.GetInt(context, "p", 2);
        if (p < 1 || p > int.MaxValue)
        {
            throw context.Error(node, $"p = {p} is invalid, because the order of the norm must be a positive integer");
        }

        long[]? kernelShape = node.GetInts(context, "kernel_shape");
        if (kernelShape is null)
        {
            throw context.Error(node, "the required attribute kernel_shape is missing");
        }

        SpatialGeometry geometry = SpatialGeometry.Compute(node, context, x.Shape.Skip(2).ToArray(), kernelShape.Select(k => checked((int)k)).ToArray(), ceilMode: false);
        return (x.Shape, geometry);
    }
}
