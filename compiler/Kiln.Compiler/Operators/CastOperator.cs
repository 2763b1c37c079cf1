using Kiln.Compiler.Graph;

namespace Kiln.Compiler.Operators;

/// <summary>
/// Cast, opsets 6–17, between the numeric and bool types. Every tensor is stored as float32, so a cast rounds the
/// values as the target type would store them. To float16 or bfloat16 it rounds the mantissa, to an integer type it
/// drops the fraction, and to bool it tests for nonzero. To float32 or double, and to any wider type, it copies.
/// Strings have no float form and are rejected.
/// </summary>
internal sealed class CastOperator : Operator
{
    public CastOperator()
        : base("Cast", 6, 17)
    {
    }

    public override void InferShapes(Node node, ShapeContext context)
    {
        TensorInfo x = context.NumericInput(node, 0);
        ElementType to = Target(node, context);
        context.SetOutput(node, 0, to, x.Shape, Kernel(x.Type, to) is null ? x.IntegerValues : null);
    }

    public override string DescribeAttributes(Node node, ShapeContext context) => $"to {ElementTypes.Name(Target(node, context))}";

    public override void EmitCpu(Node node, CpuEmitContext context)
    {
        ElementType from = context.Shapes.Input(node, 0).Type;
        string? kernel = Kernel(from, Target(node, context.Shapes));
        if (kernel is null)
        {
            context.Writer.Line($"{context.ReadInput(node, 0)}.CopyTo({context.WriteOutput(node, 0)});");
            return;
        }

        context.Writer.Line($"{CpuEmitContext.Kernels}Conversion.{kernel}({context.ReadInput(node, 0)}, {context.WriteOutput(node, 0)});");
    }

    /// <summary>
    /// Cast has a GPU kernel: each thread converts one element with the scalar method of the CPU path's
    /// <c>Conversion</c> class, so float16 and bfloat16 rounding, integer truncation and bool match the CPU bit for bit.
    /// </summary>
    public override bool HasGpuKernels => true;

    public override void EmitGpu(Node node, GpuEmitContext context)
    {
        TensorInfo x = context.Shapes.Input(node, 0);
        string? kernel = Kernel(x.Type, Target(node, context.Shapes));
        string expression = kernel is null ? "x[i]" : $"{CpuEmitContext.Kernels}Conversion.{kernel}(x[i])";
        var views = new[] { ("x", context.ReadInput(node, 0)), ("y", context.WriteOutput(node, 0)) };
        context.ElementwiseKernelUnlessEmpty(node, OpType, x.ElementCount, views, () => context.Writer.Line($"y[i] = {expression};"));
    }

    /// <summary>The conversion kernel, or null when every value of <paramref name="from"/> is already a value of <paramref name="to"/>.</summary>
    private static string? Kernel(ElementType from, ElementType to)
    {
        if (from == to)
        {
            return null;
        }

        if (to == ElementType.Bool)
        {
            return "ToBool";
        }

        if (ElementTypes.IsInteger(to))
        {
            return ElementTypes.IsFloatingPoint(from) ? "ToInteger" : null;
        }

        return to switch
        {
            ElementType.Float16 when from != ElementType.Bool => "ToFloat16",
            ElementType.BFloat16 when from != ElementType.Bool => "ToBFloat16",
            _ => null,
        };
    }

    private static ElementType Target(Node node, ShapeContext context)
    {
        if (!node.Has("to"))
        {
            throw context.Error(node, "the required attribute to is missing");
        }

        long to = node.GetInt(context, "to", 0);
        if (!ElementTypes.IsKnown((int)to) || to != (int)to || !ElementTypes.IsNumeric((ElementType)to))
        {
            string name = ElementTypes.IsKnown((int)to) && to == (int)to ? ElementTypes.Name((ElementType)to) : $"data type {to}";
            throw context.Error(node, $"to = {name} is not supported. Kiln casts to the numeric types and bool only, because it stores every tensor as float32");
        }

        return (ElementType)to;
    }
}
