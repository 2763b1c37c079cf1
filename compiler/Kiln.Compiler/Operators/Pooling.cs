using System.Linq;
using Kiln.Compiler.Graph;

namespace Kiln.Compiler.Operators;

/// <summary>
/// MaxPool and AveragePool over 1-D, 2-D and 3-D windows, and MaxPool's optional Indices output. Opset 7 added
/// count_include_pad for AveragePool, opset 8 MaxPool's Indices output and storage_order, and opset 10 ceil_mode and
/// MaxPool's dilations. Earlier models simply leave them at their defaults.
/// </summary>
internal sealed class PoolOperator : Operator
{
    private readonly bool _max;

    private PoolOperator(string opType, bool max)
        : base(opType, 1, 17)
    {
        _max = max;
    }

    public static PoolOperator MaxPool() => new PoolOperator("MaxPool", max: true);

    public static PoolOperator AveragePool() => new PoolOperator("AveragePool", max: false);

    public override void InferShapes(Node node, ShapeContext context)
    {
        (int[] input, SpatialGeometry geometry) = Compute(node, context);
        int[] output = new[] { input[0], input[1] }.Concat(geometry.Output).ToArray();
        context.SetOutput(node, 0, context.Input(node, 0).Type, output);
        if (_max)
        {
            context.SetOutput(node, 1, ElementType.Int64, output);
        }
    }

    public override string DescribeAttributes(Node node, ShapeContext context)
    {
        (_, SpatialGeometry geometry) = Compute(node, context);
        string text = geometry.Describe();
        if (_max && HasIndices(node))
        {
            text += $", storage_order {node.GetInt(context, "storage_order", 0)}";
        }

        if (!_max)
        {
            text += $", count_include_pad {node.GetInt(context, "count_include_pad", 0)}";
        }

        return text;
    }

    public override void EmitCpu(Node node, CpuEmitContext context)
    {
        (int[] input, SpatialGeometry g) = Compute(node, context.Shapes);
        if (g.Kernel.Length == 3 || (_max && HasIndices(node)))
        {
            EmitVolume(node, context, input, g);
            return;
        }

        string geometry = DeclareGeometry(context, node, input, g);

        string x = context.ReadInput(node, 0);
        string y = context.WriteOutput(node, 0);
        if (_max)
        {
            context.Writer.Line($"{CpuEmitContext.Kernels}Pooling.MaxPool2D({x}, {y}, {geometry});");
        }
        else
        {
            bool countIncludePad = node.GetInt(context.Shapes, "count_include_pad", 0) != 0;
            context.Writer.Line($"{CpuEmitContext.Kernels}Pooling.AveragePool2D({x}, {y}, {geometry}, countIncludePad: {(countIncludePad ? "true" : "false")});");
        }
    }

    /// <summary>
    /// Writes the call of a 3-D pooling kernel. 1-D and 2-D MaxPool with the Indices output come here too, as 3-D with
    /// leading sizes of 1, because only the 3-D kernel computes indices and the 2-D kernel stays free of that work.
    /// </summary>
    private void EmitVolume(Node node, CpuEmitContext context, int[] input, SpatialGeometry g)
    {
        string geometry = DeclareVolumeGeometry(context, node, input, g);
        string x = context.ReadInput(node, 0);
        string y = context.WriteOutput(node, 0);
        if (_max && HasIndices(node))
        {
            bool columnMajor = node.GetInt(context.Shapes, "storage_order", 0) != 0;
            string indices = context.WriteOutput(node, 1);
            context.Writer.Line($"{CpuEmitContext.Kernels}Pooling.MaxPool3DWithIndices({x}, {y}, {indices}, {geometry}, columnMajor: {(columnMajor ? "true" : "false")});");
        }
        else if (_max)
        {
            context.Writer.Line($"{CpuEmitContext.Kernels}Pooling.MaxPool3D({x}, {y}, {geometry});");
        }
        else
        {
            bool countIncludePad = node.GetInt(context.Shapes, "count_include_pad", 0) != 0;
            context.Writer.Line($"{CpuEmitContext.Kernels}Pooling.AveragePool3D({x}, {y}, {geometry}, countIncludePad: {(countIncludePad ? "true" : "false")});");
        }
    }

    /// <summary>Declares the static <c>Pool3DGeometry</c> of a pooling node of any rank, missing leading axes as size 1, and returns its name.</summary>
    private static string DeclareVolumeGeometry(CpuEmitContext context, Node node, int[] input, SpatialGeometry g)
    {
        int missing = 3 - g.Kernel.Length;
        int[] Pad(int[] values, int fill) => Enumerable.Repeat(fill, missing).Concat(values).ToArray();
        int[] inSize = Pad(input.Skip(2).ToArray(), 1);
        int[] outSize = Pad(g.Output, 1);
        int[] kernel = Pad(g.Kernel, 1);
        int[] strides = Pad(g.Strides, 1);
        int[] dilations = Pad(g.Dilations, 1);
        int[] padBegin = Pad(g.PadBegin, 0);
        int[] padEnd = Pad(g.PadEnd, 0);

        string initializer =
            "new(" +
            $"Batch: {input[0]}, Channels: {input[1]}, InDepth: {inSize[0]}, InHeight: {inSize[1]}, InWidth: {inSize[2]}, " +
            $"OutDepth: {outSize[0]}, OutHeight: {outSize[1]}, OutWidth: {outSize[2]}, " +
            $"KernelDepth: {kernel[0]}, KernelHeight: {kernel[1]}, KernelWidth: {kernel[2]}, " +
            $"StrideDepth: {strides[0]}, StrideHeight: {strides[1]}, StrideWidth: {strides[2]}, " +
            $"DilationDepth: {dilations[0]}, DilationHeight: {dilations[1]}, DilationWidth: {dilations[2]}, " +
            $"PadFront: {padBegin[0]}, PadTop: {padBegin[1]}, PadLeft: {padBegin[2]}, " +
            $"PadBack: {padEnd[0]}, PadBottom: {padEnd[1]}, PadRight: {padEnd[2]})";
        return context.DeclareStatic($"{CpuEmitContext.Kernels}Pool3DGeometry", node.DisplayName + "Geometry", initializer);
    }

    public override bool HasGpuKernels => true;

    /// <summary>
    /// One thread per output element reduces the window's taps inside the input, over 1, 2 or 3 spatial axes, as
    /// <see cref="PoolingGpuEmitter"/> describes.
    /// </summary>
    public override void EmitGpu(Node node, GpuEmitContext context)
    {
        (int[] input, SpatialGeometry g) = Compute(node, context.Shapes);
        bool withIndices = _max && HasIndices(node);
        var window = new PoolingGpuEmitter.Window(
            _max ? PoolingGpuEmitter.Reduction.Max : PoolingGpuEmitter.Reduction.Average,
            CountIncludePad: !_max && node.GetInt(context.Shapes, "count_include_pad", 0) != 0,
            WithIndices: withIndices,
            ColumnMajor: withIndices && node.GetInt(context.Shapes, "storage_order", 0) != 0,
            P: 0);
        PoolingGpuEmitter.Emit(node, context, OpType, input, g, window);
    }

    /// <summary>Declares the static <c>Pool2DGeometry</c> of a 1-D or 2-D pooling node, a 1-D one as height 1, and returns its name.</summary>
    internal static string DeclareGeometry(CpuEmitContext context, Node node, int[] input, SpatialGeometry g)
    {
        bool oneDimensional = g.Kernel.Length == 1;
        int Height(int[] values, int oneDimensionalValue) => oneDimensional ? oneDimensionalValue : values[0];
        int Width(int[] values) => oneDimensional ? values[0] : values[1];
        int[] spatial = input.Skip(2).ToArray();

        string initializer =
            "new(" +
            $"Batch: {input[0]}, Channels: {input[1]}, InHeight: {Height(spatial, 1)}, InWidth: {Width(spatial)}, " +
            $"OutHeight: {Height(g.Output, 1)}, OutWidth: {Width(g.Output)}, " +
            $"KernelHeight: {Height(g.Kernel, 1)}, KernelWidth: {Width(g.Kernel)}, " +
            $"StrideHeight: {Height(g.Strides, 1)}, StrideWidth: {Width(g.Strides)}, " +
            $"DilationHeight: {Height(g.Dilations, 1)}, DilationWidth: {Width(g.Dilations)}, " +
            $"PadTop: {Height(g.PadBegin, 0)}, PadLeft: {Width(g.PadBegin)}, PadBottom: {Height(g.PadEnd, 0)}, PadRight: {Width(g.PadEnd)})";
        return context.DeclareStatic($"{CpuEmitContext.Kernels}Pool2DGeometry", node.DisplayName + "Geometry", initializer);
    }

    private (int[] Input, SpatialGeometry Geometry) Compute(Node node, ShapeContext context)
    {
        // MaxPool takes 8-bit integers from opset 12 and keeps their type; an average needs a floating-point input.
        TensorInfo x = _max ? context.NumericInput(node, 0) : context.FloatInput(node, 0);
        if (x.Shape.Length < 3 || x.Shape.Length > 5)
        {
            throw context.Error(node, $"the input has shape {x.ShapeText}, but Kiln compiles 1-D, 2-D and 3-D pooling (N×C×W, N×C×H×W or N×C×D×H×W) so far");
        }

        long[]? kernelShape = node.GetInts(context, "kernel_shape");
        if (kernelShape is null)
        {
            throw context.Error(node, "the required attribute kernel_shape is missing");
        }

        long storageOrder = _max ? node.GetInt(context, "storage_order", 0) : 0;
        if (storageOrder != 0 && storageOrder != 1)
        {
            throw context.Error(node, $"storage_order {storageOrder} is invalid: it must be 0 (row-major indices) or 1 (column-major)");
        }

        if (_max && HasIndices(node) && x.ElementCount > 1 << 24)
        {
            throw context.Error(node, $"the Indices output is requested for an input of {x.ElementCount} elements, but Kiln stores indices as float32, which is exact only up to 2^24 = 16777216 positions. Use a smaller input or leave the Indices output out");
        }

        bool ceilMode = node.GetInt(context, "ceil_mode", 0) != 0;
        SpatialGeometry geometry = SpatialGeometry.Compute(node, context, x.Shape.Skip(2).ToArray(), kernelShape.Select(k => checked((int)k)).ToArray(), ceilMode);
        return (x.Shape, geometry);
    }

    private static bool HasIndices(Node node) => node.Outputs.Count > 1 && node.Outputs[1].Length > 0;
}

/// <summary>GlobalAveragePool and GlobalMaxPool: one value per channel over all spatial positions.</summary>
internal sealed class GlobalPoolOperator : Operator
{
    private readonly bool _max;

    public GlobalPoolOperator(string opType, bool max)
        : base(opType, 1, 17)
    {
        _max = max;
    }

    public override void InferShapes(Node node, ShapeContext context)
    {
        TensorInfo x = context.FloatInput(node, 0);
        if (x.Shape.Length < 3)
        {
            throw context.Error(node, $"the input has shape {x.ShapeText}, but it needs N×C and at least one spatial axis");
        }

        int[] output = x.Shape.Select((dim, axis) => axis < 2 ? dim : 1).ToArray();
        context.SetOutput(node, 0, ElementType.Float, output);
    }

    public override bool HasGpuKernels => true;

    /// <summary>One thread per channel plane reduces its spatial values.</summary>
    public override void EmitGpu(Node node, GpuEmitContext context)
    {
        int[] shape = context.Shapes.Input(node, 0).Shape;
        int planes = shape[0] * shape[1];
        int spatial = shape.Skip(2).Aggregate(1, (a, b) => a * b);
        var views = new[] { ("x", context.ReadInput(node, 0)), ("y", context.WriteOutput(node, 0)) };
        context.ElementwiseKernel(node, OpType, planes, views, () =>
        {
            Emit.SourceWriter writer = context.Writer;
            writer.Line($"int first = i * {spatial};");
            writer.Line(_max ? "float result = x[first];" : "float result = 0f;");
            using (writer.Open($"for (int j = {(_max ? 1 : 0)}; j < {spatial}; j++)"))
            {
                if (_max)
                {
                    // A NaN replaces any number, and no later value replaces a NaN, as on the CPU.
                    writer.Line("float value = x[first + j];");
                    writer.Line("result = value > result || (float.IsNaN(value) && !float.IsNaN(result)) ? value : result;");
                }
                else
                {
                    writer.Line("result += x[first + j];");
                }
            }

            writer.Line(_max ? "y[i] = result;" : $"y[i] = result / {spatial}f;");
        });
    }

    public override void EmitCpu(Node node, CpuEmitContext context)
    {
        int[] shape = context.Shapes.Input(node, 0).Shape;
        int planes = shape[0] * shape[1];
        int spatial = shape.Skip(2).Aggregate(1, (a, b) => a * b);
        string kernel = _max ? "GlobalMaxPool" : "GlobalAveragePool";
        context.Writer.Line($"{CpuEmitContext.Kernels}Pooling.{kernel}({context.ReadInput(node, 0)}, {context.WriteOutput(node, 0)}, planes: {planes}, spatial: {spatial});");
    }
}
