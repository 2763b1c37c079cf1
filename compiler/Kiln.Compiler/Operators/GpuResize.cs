using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Kiln.Compiler.Emit;
using Kiln.Compiler.Graph;

namespace Kiln.Compiler.Operators;

/// <summary>
/// The settings of one Resize or Upsample node, with the names of the members of the CPU runtime's enums
/// (<c>ResizeMode</c>, <c>CoordinateTransform</c>, <c>NearestRounding</c>).
/// </summary>
internal sealed record ResizeSettings(
    string Mode, string Transform, string Rounding, float[]? Scales, float[]? RegionOfInterest, float ExtrapolationValue,
    float CubicCoefficient, bool ExcludeOutside);

/// <summary>
/// The GPU kernel of Resize and Upsample: one thread per output element. For each resized axis it maps the output
/// coordinate to an input coordinate as the CPU kernel does (in double, so that nearest rounding picks the same
/// element), then sums the input taps around it. Each axis has its own weights: 1 tap for nearest, 2 for linear, 4 for cubic.
/// </summary>
internal static class GpuResize
{
    public static void Emit(Node node, GpuEmitContext context, int[] input, int[] output, ResizeSettings settings)
    {
        int count = output.Aggregate(1, (product, dim) => product * dim);
        if (count == 0)
        {
            return;
        }

        var views = new[] { ("x", context.ReadInput(node, 0)), ("y", context.WriteOutput(node, 0)) };
        context.ElementwiseKernel(node, "Resize", count, views, () => WriteBody(context.Writer, input, output, settings));
    }

    private static void WriteBody(SourceWriter writer, int[] input, int[] output, ResizeSettings settings)
    {
        int rank = input.Length;
        int[] strides = StridedCopyEmitter.RowMajorStrides(input);
        int taps = settings.Mode switch { "Nearest" => 1, "Linear" => 2, _ => 4 };
        bool crop = settings.Transform == "TfCropAndResize";
        if (crop)
        {
            writer.Line("bool outside = false;");
        }

        // Per axis, the input positions read and their weights: locals p{axis}_{tap} and w{axis}_{tap}, or the output
        // coordinate itself for an axis that keeps its length and scale.
        var tapCounts = new int[rank];
        for (int axis = 0; axis < rank; axis++)
        {
            string coordinate = GpuStridedCopy.Coordinate("i", output, axis);
            double scale = settings.Scales is null ? (double)output[axis] / input[axis] : settings.Scales[axis];
            bool resized = input[axis] != output[axis] || scale != 1 || crop;
            if (!resized || input[axis] == 1 && !crop)
            {
                // Every input coordinate of a length-1 axis clamps to its only element.
                writer.Line(resized ? $"int p{axis}_0 = 0;" : $"int p{axis}_0 = {coordinate};");
                tapCounts[axis] = 1;
                continue;
            }

            writer.Line();
            writer.Line($"double c{axis} = {InputCoordinate($"({coordinate})", axis, input, output[axis], scale, settings)};");
            if (crop)
            {
                writer.Line($"outside = outside || c{axis} < 0 || c{axis} > {Literals.Int(input[axis] - 1)};");
            }

            tapCounts[axis] = taps;
            switch (settings.Mode)
            {
                case "Nearest":
                    WriteNearest(writer, axis, input[axis], settings.Rounding);
                    break;
                case "Linear":
                    WriteLinear(writer, axis, input[axis]);
                    break;
                default:
                    WriteCubic(writer, axis, input[axis], settings);
                    break;
            }
        }

        writer.Line();
        WriteSum(writer, tapCounts, strides);
        writer.Line(crop ? $"y[i] = outside ? {Literals.Float(settings.ExtrapolationValue)} : sum;" : "y[i] = sum;");
    }

    /// <summary>The C# expression (a double) of the input coordinate of output coordinate <paramref name="x"/>, with the CPU kernel's formula and order of operations.</summary>
    private static string InputCoordinate(string x, int axis, int[] input, int outputLength, double scale, ResizeSettings settings)
    {
        int length = input[axis];
        double resizedLength = scale * length;
        string s = Double(scale);
        switch (settings.Transform)
        {
            case "HalfPixel":
                return $"(({x} + 0.5) / {s}) - 0.5";
            case "PytorchHalfPixel":
                return resizedLength == 1 ? "-0.5" : $"(({x} + 0.5) / {s}) - 0.5";
            case "AlignCorners":
                return resizedLength == 1 ? "0.0" : $"{x} * {Double(length - 1)} / {Double(resizedLength - 1)}";
            case "TfCropAndResize":
                float[] region = settings.RegionOfInterest!;
                double span = (double)region[axis + input.Length] - region[axis];
                double offset = region[axis] * (double)(length - 1);
                return resizedLength == 1
                    ? Double((span * (length - 1) / 2) + offset)
                    : $"({x} * {Double(span)} * {Double(length - 1)} / {Double(resizedLength - 1)}) + {Double(offset)}";
            default:
                return $"{x} / {s}";
        }
    }

    private static void WriteNearest(SourceWriter writer, int axis, int length, string rounding)
    {
        if (rounding == "Floor")
        {
            writer.Line($"int p{axis}_0 = (int)global::System.Math.Floor(c{axis});");
            WriteClamp(writer, $"p{axis}_0", length);
            return;
        }

        string up = rounding switch
        {
            "RoundPreferFloor" => $"fraction{axis} > 0.5",
            "RoundPreferCeil" => $"fraction{axis} >= 0.5",
            _ => $"fraction{axis} != 0",
        };
        writer.Line($"double floor{axis} = global::System.Math.Floor(c{axis});");
        writer.Line($"double fraction{axis} = c{axis} - floor{axis};");
        writer.Line($"int p{axis}_0 = (int)floor{axis} + ({up} ? 1 : 0);");
        WriteClamp(writer, $"p{axis}_0", length);
    }

    private static void WriteLinear(SourceWriter writer, int axis, int length)
    {
        writer.Line($"double floor{axis} = global::System.Math.Floor(c{axis});");
        writer.Line($"float w{axis}_1 = (float)(c{axis} - floor{axis});");
        writer.Line($"float w{axis}_0 = 1f - w{axis}_1;");
        writer.Line($"int p{axis}_0 = (int)floor{axis};");
        writer.Line($"int p{axis}_1 = p{axis}_0 + 1;");
        WriteClamp(writer, $"p{axis}_0", length);
        WriteClamp(writer, $"p{axis}_1", length);
    }

    /// <summary>
    /// Writes the four taps first − 1 … first + 2 around the coordinate. At an integer coordinate the fraction is taken
    /// as 1 rather than 0, as the ONNX reference does, so the weights then select the coordinate itself.
    /// </summary>
    private static void WriteCubic(SourceWriter writer, int axis, int length, ResizeSettings settings)
    {
        writer.Line($"int first{axis} = (int)global::System.Math.Floor(c{axis});");
        writer.Line($"double t{axis} = c{axis} - first{axis};");
        using (writer.Open($"if (t{axis} == 0)"))
        {
            writer.Line($"first{axis}--;");
            writer.Line($"t{axis} = 1;");
        }

        string[] distances = { $"t{axis} + 1", $"t{axis}", $"1 - t{axis}", $"2 - t{axis}" };
        for (int tap = 0; tap < 4; tap++)
        {
            writer.Line();
            writer.Line($"double d{axis}_{tap} = {distances[tap]};");
            writer.Line($"double cubic{axis}_{tap} = {CubicWeight($"d{axis}_{tap}", settings.CubicCoefficient)};");
            writer.Line(tap == 1 ? $"int p{axis}_{tap} = first{axis};" : $"int p{axis}_{tap} = first{axis} {(tap == 0 ? "-" : "+")} {Literals.Int(Math.Abs(tap - 1))};");
            if (settings.ExcludeOutside)
            {
                // Taps outside the input get weight 0, and the others are scaled below to sum to 1.
                writer.Line($"cubic{axis}_{tap} = p{axis}_{tap} < 0 || p{axis}_{tap} > {Literals.Int(length - 1)} ? 0 : cubic{axis}_{tap};");
            }

            WriteClamp(writer, $"p{axis}_{tap}", length);
        }

        writer.Line();
        string sum = string.Join(" + ", Enumerable.Range(0, 4).Select(tap => $"cubic{axis}_{tap}"));
        if (settings.ExcludeOutside)
        {
            writer.Line($"double total{axis} = {sum};");
        }

        for (int tap = 0; tap < 4; tap++)
        {
            writer.Line(settings.ExcludeOutside
                ? $"float w{axis}_{tap} = (float)(total{axis} != 0 ? cubic{axis}_{tap} / total{axis} : cubic{axis}_{tap});"
                : $"float w{axis}_{tap} = (float)cubic{axis}_{tap};");
        }
    }

    /// <summary>The cubic convolution kernel with coefficient a at distance d (0 ≤ d ≤ 2), as a C# expression.</summary>
    private static string CubicWeight(string d, float coefficient)
    {
        string a = Double(coefficient);
        return $"{d} <= 1 ? ((({a} + 2) * {d}) - ({a} + 3)) * {d} * {d} + 1 : (((({a} * {d}) - (5 * {a})) * {d}) + (8 * {a})) * {d} - (4 * {a})";
    }

    private static void WriteClamp(SourceWriter writer, string position, int length) =>
        writer.Line($"{position} = {position} < 0 ? 0 : {position} > {Literals.Int(length - 1)} ? {Literals.Int(length - 1)} : {position};");

    /// <summary>Writes the weighted sum over every combination of taps: a loop per axis with more than one tap.</summary>
    private static void WriteSum(SourceWriter writer, int[] tapCounts, int[] strides)
    {
        writer.Line("float sum = 0f;");
        var blocks = new Stack<IDisposable>();
        var weights = new List<string>();
        var terms = new List<string>();
        for (int axis = 0; axis < tapCounts.Length; axis++)
        {
            string stride = strides[axis] == 1 ? string.Empty : $" * {Literals.Int(strides[axis])}";
            if (tapCounts[axis] == 1)
            {
                terms.Add($"(p{axis}_0{stride})");
                continue;
            }

            blocks.Push(writer.Open($"for (int tap{axis} = 0; tap{axis} < {Literals.Int(tapCounts[axis])}; tap{axis}++)"));
            writer.Line($"int q{axis} = {Select($"tap{axis}", Enumerable.Range(0, tapCounts[axis]).Select(tap => $"p{axis}_{tap}").ToArray())};");
            writer.Line($"float v{axis} = {Select($"tap{axis}", Enumerable.Range(0, tapCounts[axis]).Select(tap => $"w{axis}_{tap}").ToArray())};");
            terms.Add($"(q{axis}{stride})");
            weights.Add($"v{axis}");
        }

        string element = terms.Count == 0 ? "x[0]" : $"x[{string.Join(" + ", terms)}]";
        writer.Line(weights.Count == 0 ? $"sum = {element};" : $"sum += {string.Join(" * ", weights)} * {element};");
        while (blocks.Count > 0)
        {
            blocks.Pop().Dispose();
        }
    }

    /// <summary>The C# conditional expression that picks <paramref name="values"/>[<paramref name="index"/>].</summary>
    private static string Select(string index, string[] values)
    {
        string expression = values[values.Length - 1];
        for (int k = values.Length - 2; k >= 0; k--)
        {
            expression = $"{index} == {Literals.Int(k)} ? {values[k]} : {expression}";
        }

        return expression;
    }

    /// <summary>A double literal that reads back to the same bits.</summary>
    private static string Double(double value) => value.ToString("R", CultureInfo.InvariantCulture) + "d";
}
