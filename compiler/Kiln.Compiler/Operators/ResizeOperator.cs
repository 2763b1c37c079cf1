using System;
using System.Linq;
using Kiln.Compiler.Emit;
using Kiln.Compiler.Graph;

namespace Kiln.Compiler.Operators;

/// <summary>
/// Resize (opsets 11–17) in nearest, linear and cubic modes, with the half_pixel, pytorch_half_pixel, align_corners,
/// asymmetric and tf_crop_and_resize coordinate transformations and every nearest_mode, and Upsample (opsets 7–9), which is Resize with
/// asymmetric coordinates and nearest rounding down. The scales or sizes must be build-time constants: Upsample's
/// scales are an attribute before opset 9 and an input from opset 9.
/// </summary>
internal sealed class ResizeOperator : Operator
{
    private ResizeOperator(string opType, int firstOpset, int lastOpset)
        : base(opType, firstOpset, lastOpset)
    {
    }

    public static ResizeOperator Resize() => new ResizeOperator("Resize", 11, 17);

    public static ResizeOperator Upsample() => new ResizeOperator("Upsample", 7, 9);

    private bool IsUpsample => OpType == "Upsample";

    public override void InferShapes(Node node, ShapeContext context)
    {
        TensorInfo x = context.FloatInput(node, 0);
        Mode(node, context);
        Transform(node, context);
        Rounding(node, context);
        RegionArgument(node, context, x.Shape.Length);
        float[]? scales = Scales(node, context, x.Shape.Length);
        int[] shape = scales is null
            ? Sizes(node, context, x.Shape)
            : x.Shape.Select((dim, axis) => (int)Math.Floor(dim * (double)scales[axis])).ToArray();
        context.SetOutput(node, 0, ElementType.Float, shape);
    }

    public override string DescribeAttributes(Node node, ShapeContext context) => IsUpsample
        ? $"mode {node.GetString(context, "mode", "nearest")}"
        : $"mode {node.GetString(context, "mode", "nearest")}, coordinate_transformation_mode {node.GetString(context, "coordinate_transformation_mode", "half_pixel")}";

    public override void EmitCpu(Node node, CpuEmitContext context)
    {
        int[] input = context.Shapes.Input(node, 0).Shape;
        int[] output = context.Shapes.Tensor(node.Outputs[0]).Shape;
        string kernels = CpuEmitContext.Kernels;
        context.Writer.Line($"{kernels}Resampling.Resize({context.ReadInput(node, 0)}, {context.WriteOutput(node, 0)},");
        context.Writer.Line($"    sourceShape: {Literals.IntArray(input)}, destinationShape: {Literals.IntArray(output)},");
        context.Writer.Line($"    {kernels}ResizeMode.{Mode(node, context.Shapes)}, {kernels}CoordinateTransform.{Transform(node, context.Shapes)}, " +
            $"{kernels}NearestRounding.{Rounding(node, context.Shapes)}{ScalesArgument(node, context.Shapes, input.Length)}" +
            $"{RegionArgument(node, context.Shapes, input.Length)}{CubicArgument(node, context.Shapes)});");
    }

    public override bool HasGpuKernels => true;

    public override void EmitGpu(Node node, GpuEmitContext context)
    {
        ShapeContext shapes = context.Shapes;
        int[] input = shapes.Input(node, 0).Shape;
        int[] output = shapes.Tensor(node.Outputs[0]).Shape;
        string mode = Mode(node, shapes);
        string transform = Transform(node, shapes);
        var settings = new ResizeSettings(
            mode,
            transform,
            Rounding(node, shapes),
            Scales(node, shapes, input.Length),
            transform == "TfCropAndResize" ? ConstantFloats(node, shapes, 1, "region of interest") : null,
            node.GetFloat(shapes, "extrapolation_value", 0),
            node.GetFloat(shapes, "cubic_coeff_a", -0.75f),
            mode == "Cubic" && node.GetInt(shapes, "exclude_outside", 0) != 0);
        GpuResize.Emit(node, context, input, output, settings);
    }

    /// <summary>The kernel's cubic arguments that differ from its defaults, or an empty string.</summary>
    private string CubicArgument(Node node, ShapeContext context)
    {
        if (Mode(node, context) != "Cubic")
        {
            return string.Empty;
        }

        float a = node.GetFloat(context, "cubic_coeff_a", -0.75f);
        bool excludeOutside = node.GetInt(context, "exclude_outside", 0) != 0;
        return $", cubicCoefficient: {Literals.Float(a)}, excludeOutside: {Literals.Bool(excludeOutside)}";
    }

    /// <summary>The kernel's region-of-interest arguments for tf_crop_and_resize, or an empty string for the other transformations.</summary>
    private string RegionArgument(Node node, ShapeContext context, int rank)
    {
        if (Transform(node, context) != "TfCropAndResize")
        {
            return string.Empty;
        }

        if (node.OptionalInput(1) is null)
        {
            throw context.Error(node, "coordinate_transformation_mode is tf_crop_and_resize, but the roi input is missing");
        }

        float[] region = ConstantFloats(node, context, 1, "region of interest");
        if (region.Length != 2 * rank)
        {
            throw context.Error(node, $"roi has {region.Length} values, but an input of rank {rank} needs {2 * rank} (the starts, then the ends)");
        }

        float extrapolation = node.GetFloat(context, "extrapolation_value", 0);
        return $", regionOfInterest: [{string.Join(", ", region.Select(Literals.Float))}], extrapolationValue: {Literals.Float(extrapolation)}";
    }

    private string ScalesArgument(Node node, ShapeContext context, int rank)
    {
        float[]? scales = Scales(node, context, rank);
        return scales is null ? string.Empty : ", scales: [" + string.Join(", ", scales.Select(Literals.Float)) + "]";
    }

    /// <summary>The per-axis scales, or null when Resize gives sizes instead.</summary>
    private float[]? Scales(Node node, ShapeContext context, int rank)
    {
        float[]? scales;
        if (IsUpsample && context.Opset < 9)
        {
            if (!node.Attributes.TryGetValue("scales", out Read.Onnx.AttributeProto? attribute))
            {
                throw context.Error(node, "the required attribute scales is missing");
            }

            scales = attribute.Floats.ToArray();
        }
        else
        {
            // Upsample's scales are input 1; Resize's are input 2, left empty (or with no elements) when sizes give the output size.
            int position = IsUpsample ? 1 : 2;
            if (node.OptionalInput(position) is null)
            {
                return null;
            }

            scales = ConstantFloats(node, context, position, "scales");
            if (!IsUpsample && scales.Length == 0)
            {
                return null;
            }
        }

        if (scales.Length != rank || scales.Any(scale => !(scale > 0)))
        {
            throw context.Error(node, $"scales {string.Join(", ", scales)} must be {rank} positive numbers, one per input axis");
        }

        return scales;
    }

    /// <summary>
    /// Returns the build-time values of a float input: a Constant node, or an initializer whose values the model reader
    /// kept in memory (float raw_data of at most 64 bytes, so 16 floats).
    /// </summary>
    private static float[] ConstantFloats(Node node, ShapeContext context, int position, string purpose)
    {
        TensorInfo input = context.Input(node, position);
        Initializer? initializer = input.Initializer;
        if (input.Type == ElementType.Float && initializer is not null && input.ElementCount == 0)
        {
            return [];
        }

        if (input.Type == ElementType.Float && initializer?.Floats is not null)
        {
            return initializer.Floats.ToArray();
        }

        if (input.Type == ElementType.Float && initializer?.RawBytes is byte[] raw)
        {
            return Enumerable.Range(0, raw.Length / 4).Select(i => BitConverter.ToSingle(raw, i * 4)).ToArray();
        }

        throw context.Error(node, $"input {position} ('{input.Name}') gives the {purpose} and must be a small float32 constant (an initializer or a Constant node), because Kiln compiles fixed shapes");
    }

    private static int[] Sizes(Node node, ShapeContext context, int[] input)
    {
        if (node.OptionalInput(3) is null)
        {
            throw context.Error(node, "neither scales nor sizes is given, so the output size is unknown");
        }

        long[] sizes = context.ConstantIntegers(node, 3, "output sizes");
        if (sizes.Length != input.Length || sizes.Any(size => size < 0 || size > int.MaxValue))
        {
            throw context.Error(node, $"sizes {string.Join(", ", sizes)} must be {input.Length} non-negative numbers, one per input axis");
        }

        for (int axis = 0; axis < input.Length; axis++)
        {
            if (input[axis] == 0 && sizes[axis] != 0)
            {
                throw context.Error(node, $"axis {axis} of the input is empty, so it cannot be resized to {sizes[axis]}");
            }
        }

        return sizes.Select(size => (int)size).ToArray();
    }

    private string Mode(Node node, ShapeContext context)
    {
        string mode = node.GetString(context, "mode", "nearest");
        return mode switch
        {
            "nearest" => "Nearest",
            "linear" => "Linear",
            "cubic" when !IsUpsample => "Cubic",
            _ => throw context.Error(node, $"mode '{mode}' is not supported. Use nearest or linear{(IsUpsample ? string.Empty : " or cubic")}"),
        };
    }

    private string Transform(Node node, ShapeContext context)
    {
        if (IsUpsample)
        {
            return "Asymmetric";
        }

        string transform = node.GetString(context, "coordinate_transformation_mode", "half_pixel");
        return transform switch
        {
            "half_pixel" => "HalfPixel",
            "pytorch_half_pixel" => "PytorchHalfPixel",
            "align_corners" => "AlignCorners",
            "asymmetric" => "Asymmetric",
            "tf_crop_and_resize" => "TfCropAndResize",
            _ => throw context.Error(node, $"coordinate_transformation_mode '{transform}' is not supported. Use half_pixel, pytorch_half_pixel, align_corners, asymmetric or tf_crop_and_resize"),
        };
    }

    private string Rounding(Node node, ShapeContext context)
    {
        if (IsUpsample)
        {
            return "Floor";
        }

        string rounding = node.GetString(context, "nearest_mode", "round_prefer_floor");
        return rounding switch
        {
            "round_prefer_floor" => "RoundPreferFloor",
            "round_prefer_ceil" => "RoundPreferCeil",
            "floor" => "Floor",
            "ceil" => "Ceil",
            _ => throw context.Error(node, $"nearest_mode '{rounding}' is invalid. Use round_prefer_floor, round_prefer_ceil, floor or ceil"),
        };
    }
}
