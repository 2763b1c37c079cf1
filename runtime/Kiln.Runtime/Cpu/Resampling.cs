using System.Buffers;

namespace Kiln.Cpu;

/// <summary>How <see cref="Resampling.Resize"/> computes an output element from the input elements around it.</summary>
public enum ResizeMode
{
    /// <summary>The nearest input element, chosen by a <see cref="NearestRounding"/>.</summary>
    Nearest,

    /// <summary>Linear interpolation between the two nearest input elements along each axis (bilinear in 2-D).</summary>
    Linear,

    /// <summary>Cubic convolution of the four nearest input elements along each axis (bicubic in 2-D), with a coefficient A.</summary>
    Cubic,
}

/// <summary>
/// How an output coordinate x maps to an input coordinate, with the names of ONNX Resize's coordinate_transformation_mode.
/// The scale of an axis is the one the model gives, else its output length divided by its input length. The resized
/// length is scale · input length, which differs from the output length when that product is not an integer.
/// </summary>
public enum CoordinateTransform
{
    /// <summary>(x + 0.5) / scale − 0.5.</summary>
    HalfPixel,

    /// <summary>As <see cref="HalfPixel"/>, but −0.5 (so the first input element) when the resized length is 1.</summary>
    PytorchHalfPixel,

    /// <summary>x · (input length − 1) / (resized length − 1), and 0 when the resized length is 1.</summary>
    AlignCorners,

    /// <summary>x / scale.</summary>
    Asymmetric,

    /// <summary>
    /// x · (end − start) · (input length − 1) / (resized length − 1) + start · (input length − 1), where start and end
    /// are the axis's region of interest as fractions of the input. A coordinate outside the input gives the extrapolation value.
    /// </summary>
    TfCropAndResize,
}

/// <summary>How <see cref="ResizeMode.Nearest"/> rounds a fractional input coordinate, with the names of ONNX Resize's nearest_mode.</summary>
public enum NearestRounding
{
    /// <summary>Round to nearest, and down at a fraction of exactly one half.</summary>
    RoundPreferFloor,

    /// <summary>Round to nearest, and up at a fraction of exactly one half.</summary>
    RoundPreferCeil,

    /// <summary>Round down.</summary>
    Floor,

    /// <summary>Round up.</summary>
    Ceil,
}

/// <summary>Nearest, linear and cubic resizing of a tensor along every axis, as ONNX Resize and Upsample compute it.</summary>
public static class Resampling
{
    /// <summary>
    /// Resizes <paramref name="source"/> to <paramref name="destinationShape"/>, one axis after another. Input coordinates
    /// outside the source read its nearest border element.
    /// </summary>
    /// <param name="source">The source tensor, row-major.</param>
    /// <param name="destination">The resized tensor, row-major. It must not overlap <paramref name="source"/>.</param>
    /// <param name="sourceShape">The source's shape.</param>
    /// <param name="destinationShape">The destination's shape, of the same rank.</param>
    /// <param name="mode">Nearest or linear.</param>
    /// <param name="transform">How output coordinates map to input coordinates.</param>
    /// <param name="rounding">How <see cref="ResizeMode.Nearest"/> rounds; <see cref="ResizeMode.Linear"/> ignores it.</param>
    /// <param name="scales">Per axis, the scale the coordinate transformation divides by; empty to use each axis's
    /// output length divided by its input length.</param>
    /// <param name="regionOfInterest">For <see cref="CoordinateTransform.TfCropAndResize"/>, the start of each axis's region,
    /// then the end of each, as fractions of the input length. The other transforms ignore it.</param>
    /// <param name="extrapolationValue">The value of <see cref="CoordinateTransform.TfCropAndResize"/> outside the input.</param>
    /// <param name="cubicCoefficient">The coefficient A of <see cref="ResizeMode.Cubic"/>'s kernel; ONNX's default is −0.75.</param>
    /// <param name="excludeOutside">For <see cref="ResizeMode.Cubic"/>, whether input elements outside the source get weight 0,
    /// with the other weights scaled to sum to 1. When false they read the nearest border element.</param>
    /// <exception cref="ArgumentException">The ranks differ, a span's length does not match its shape, a source axis is
    /// empty while its destination axis is not, or a scale is not positive.</exception>
    public static void Resize(
        ReadOnlySpan<float> source, Span<float> destination, ReadOnlySpan<int> sourceShape, ReadOnlySpan<int> destinationShape,
        ResizeMode mode, CoordinateTransform transform, NearestRounding rounding = NearestRounding.RoundPreferFloor,
        ReadOnlySpan<float> scales = default, ReadOnlySpan<float> regionOfInterest = default, float extrapolationValue = 0,
        float cubicCoefficient = -0.75f, bool excludeOutside = false)
    {
        int rank = sourceShape.Length;
        if (destinationShape.Length != rank)
        {
            throw new ArgumentException($"Invalid rank of destinationShape: expected {rank} axes as in sourceShape, but got {destinationShape.Length}.", nameof(destinationShape));
        }

        if (!scales.IsEmpty && scales.Length != rank)
        {
            throw new ArgumentException($"Invalid length of scales: expected 0 or {rank} scales, one per axis, but got {scales.Length}.", nameof(scales));
        }

        if (transform == CoordinateTransform.TfCropAndResize && regionOfInterest.Length != 2 * rank)
        {
            throw new ArgumentException(
                $"Invalid length of regionOfInterest: TfCropAndResize needs {2 * rank} values (the starts, then the ends), but got {regionOfInterest.Length}.",
                nameof(regionOfInterest));
        }

        foreach (float scale in scales)
        {
            if (!(scale > 0))
            {
                throw new ArgumentException($"Invalid scale {scale}: scales must be positive.", nameof(scales));
            }
        }

        long sourceCount = 1;
        long destinationCount = 1;
        for (int axis = 0; axis < rank; axis++)
        {
            SpanChecks.RequireNonNegative(nameof(sourceShape), sourceShape[axis]);
            SpanChecks.RequireNonNegative(nameof(destinationShape), destinationShape[axis]);
            if (sourceShape[axis] == 0 && destinationShape[axis] != 0)
            {
                throw new ArgumentException($"Invalid shapes: source axis {axis} is empty, so destination axis {axis} must be empty too.", nameof(sourceShape));
            }

            sourceCount *= sourceShape[axis];
            destinationCount *= destinationShape[axis];
        }

        SpanChecks.RequireLength(nameof(source), source.Length, sourceCount, "the product of sourceShape");
        SpanChecks.RequireLength(nameof(destination), destination.Length, destinationCount, "the product of destinationShape");
        if (destinationCount == 0)
        {
            return;
        }

        // Each resized axis goes from one buffer to the next; the last one writes the destination.
        int lastResized = -1;
        for (int axis = 0; axis < rank; axis++)
        {
            if (NeedsResize(sourceShape[axis], destinationShape[axis], scales.IsEmpty ? 1 : scales[axis], transform))
            {
                lastResized = axis;
            }
        }

        if (lastResized < 0)
        {
            source.CopyTo(destination);
            return;
        }

        var cubic = new CubicKernel(cubicCoefficient, excludeOutside);
        int[] shape = sourceShape.ToArray();
        float[]? current = null;
        try
        {
            for (int axis = 0; axis <= lastResized; axis++)
            {
                double scale = scales.IsEmpty ? (double)destinationShape[axis] / shape[axis] : scales[axis];
                if (!NeedsResize(shape[axis], destinationShape[axis], scale, transform))
                {
                    continue;
                }

                int outer = 1;
                int inner = 1;
                for (int a = 0; a < axis; a++)
                {
                    outer *= shape[a];
                }

                for (int a = axis + 1; a < rank; a++)
                {
                    inner *= shape[a];
                }

                int length = destinationShape[axis];
                ReadOnlySpan<float> input = current is null ? source : current.AsSpan(0, outer * shape[axis] * inner);
                float[]? next = axis == lastResized ? null : ArrayPool<float>.Shared.Rent(outer * length * inner);
                Span<float> output = next is null ? destination : next.AsSpan(0, outer * length * inner);
                var axisTransform = new AxisTransform(transform, scale, regionOfInterest.IsEmpty ? 0 : regionOfInterest[axis],
                    regionOfInterest.IsEmpty ? 1 : regionOfInterest[axis + rank], extrapolationValue);
                ResizeAxis(input, output, outer, shape[axis], length, inner, mode, axisTransform, rounding, cubic);
                if (current is not null)
                {
                    ArrayPool<float>.Shared.Return(current);
                }

                current = next;
                shape[axis] = length;
            }
        }
        finally
        {
            if (current is not null)
            {
                ArrayPool<float>.Shared.Return(current);
            }
        }
    }

    /// <summary>Whether an axis changes: its length changes, a scale other than 1 shifts the coordinates, or a region of interest crops it.</summary>
    private static bool NeedsResize(int sourceLength, int destinationLength, double scale, CoordinateTransform transform) =>
        sourceLength != destinationLength || scale != 1 || transform == CoordinateTransform.TfCropAndResize;

    /// <summary>The coordinate transformation of one axis with its scale and, for TfCropAndResize, its region and extrapolation value.</summary>
    private readonly record struct AxisTransform(CoordinateTransform Kind, double Scale, double RegionStart, double RegionEnd, float ExtrapolationValue);

    /// <summary>The parameters of <see cref="ResizeMode.Cubic"/>.</summary>
    private readonly record struct CubicKernel(double A, bool ExcludeOutside);

    /// <summary>Resizes the middle axis of an outer×inputLength×inner tensor to outputLength.</summary>
    private static void ResizeAxis(
        ReadOnlySpan<float> input, Span<float> output, int outer, int inputLength, int outputLength, int inner,
        ResizeMode mode, AxisTransform transform, NearestRounding rounding, CubicKernel cubic)
    {
        double resizedLength = transform.Scale * inputLength;
        for (int x = 0; x < outputLength; x++)
        {
            double coordinate = InputCoordinate(x, transform, inputLength, resizedLength);
            if (transform.Kind == CoordinateTransform.TfCropAndResize && (coordinate < 0 || coordinate > inputLength - 1))
            {
                for (int o = 0; o < outer; o++)
                {
                    output.Slice((o * outputLength + x) * inner, inner).Fill(transform.ExtrapolationValue);
                }

                continue;
            }

            if (mode == ResizeMode.Cubic)
            {
                InterpolateCubic(input, output, outer, inputLength, outputLength, inner, x, coordinate, cubic);
                continue;
            }

            double floor = Math.Floor(coordinate);
            double fraction = coordinate - floor;
            int lower = (int)floor;
            int upper = lower + 1;
            float weight = (float)fraction;
            if (mode == ResizeMode.Nearest)
            {
                bool up = fraction != 0 && rounding switch
                {
                    NearestRounding.RoundPreferFloor => fraction > 0.5,
                    NearestRounding.RoundPreferCeil => fraction >= 0.5,
                    NearestRounding.Floor => false,
                    _ => true,
                };
                lower = up ? upper : lower;
                weight = 0;
            }

            lower = Math.Clamp(lower, 0, inputLength - 1);
            upper = Math.Clamp(upper, 0, inputLength - 1);
            for (int o = 0; o < outer; o++)
            {
                ReadOnlySpan<float> low = input.Slice((o * inputLength + lower) * inner, inner);
                ReadOnlySpan<float> high = input.Slice((o * inputLength + upper) * inner, inner);
                Span<float> target = output.Slice((o * outputLength + x) * inner, inner);
                if (weight == 0)
                {
                    low.CopyTo(target);
                    continue;
                }

                for (int i = 0; i < inner; i++)
                {
                    target[i] = (1 - weight) * low[i] + weight * high[i];
                }
            }
        }
    }

    /// <summary>Writes output position <paramref name="x"/> of the resized axis as the cubic convolution of four input positions.</summary>
    private static void InterpolateCubic(
        ReadOnlySpan<float> input, Span<float> output, int outer, int inputLength, int outputLength, int inner, int x, double coordinate, CubicKernel cubic)
    {
        // The taps are the input positions first − 1 … first + 2 around the coordinate. At an integer coordinate the
        // fraction is taken as 1 rather than 0, as the ONNX reference does; the weights then select the coordinate itself.
        int first = (int)Math.Floor(coordinate);
        double t = coordinate - first;
        if (t == 0)
        {
            first--;
            t = 1;
        }

        Span<double> weights = stackalloc double[4];
        double a = cubic.A;
        weights[0] = CubicWeight(t + 1, a);
        weights[1] = CubicWeight(t, a);
        weights[2] = CubicWeight(1 - t, a);
        weights[3] = CubicWeight(2 - t, a);
        Span<int> positions = stackalloc int[4];
        double sum = 0;
        for (int k = 0; k < 4; k++)
        {
            int position = first - 1 + k;
            if (cubic.ExcludeOutside && (position < 0 || position >= inputLength))
            {
                weights[k] = 0;
            }

            sum += weights[k];
            positions[k] = Math.Clamp(position, 0, inputLength - 1);
        }

        if (cubic.ExcludeOutside && sum != 0)
        {
            for (int k = 0; k < 4; k++)
            {
                weights[k] /= sum;
            }
        }

        for (int o = 0; o < outer; o++)
        {
            Span<float> target = output.Slice((o * outputLength + x) * inner, inner);
            for (int i = 0; i < inner; i++)
            {
                double value = 0;
                for (int k = 0; k < 4; k++)
                {
                    value += weights[k] * input[(o * inputLength + positions[k]) * inner + i];
                }

                target[i] = (float)value;
            }
        }
    }

    /// <summary>Returns the cubic convolution kernel with coefficient <paramref name="a"/> at distance <paramref name="d"/> (0 ≤ d ≤ 2).</summary>
    private static double CubicWeight(double d, double a) => d <= 1
        ? ((a + 2) * d - (a + 3)) * d * d + 1
        : ((a * d - 5 * a) * d + 8 * a) * d - 4 * a;

    private static double InputCoordinate(int x, AxisTransform transform, int inputLength, double resizedLength)
    {
        double scale = transform.Scale;
        switch (transform.Kind)
        {
            case CoordinateTransform.HalfPixel:
                return (x + 0.5) / scale - 0.5;
            case CoordinateTransform.PytorchHalfPixel:
                return resizedLength == 1 ? -0.5 : (x + 0.5) / scale - 0.5;
            case CoordinateTransform.AlignCorners:
                return resizedLength == 1 ? 0 : x * (double)(inputLength - 1) / (resizedLength - 1);
            case CoordinateTransform.TfCropAndResize:
                double span = transform.RegionEnd - transform.RegionStart;
                double offset = transform.RegionStart * (inputLength - 1);
                return resizedLength == 1
                    ? span * (inputLength - 1) / 2 + offset
                    : x * span * (inputLength - 1) / (resizedLength - 1) + offset;
            default:
                return x / scale;
        }
    }
}
