namespace Kiln.Cpu;

/// <summary>Inference-time normalization layers over Batch×Channels×Spatial tensors.</summary>
public static partial class Normalization
{
    /// <summary>
    /// Computes the inference-mode ONNX BatchNormalization
    /// y = scale·(x − mean)/sqrt(variance + epsilon) + bias, per channel.
    /// </summary>
    /// <param name="x">Input, batch×channels×spatial.</param>
    /// <param name="scale">Per-channel scale, channels floats.</param>
    /// <param name="bias">Per-channel offset, channels floats.</param>
    /// <param name="mean">Per-channel running mean, channels floats.</param>
    /// <param name="variance">Per-channel running variance, channels floats.</param>
    /// <param name="y">Output, same shape as <paramref name="x"/>.</param>
    /// <param name="batch">Number of images.</param>
    /// <param name="channels">Channels per image.</param>
    /// <param name="spatial">Floats per channel, the product of the spatial dimensions.</param>
    /// <param name="epsilon">Added to the variance before the square root.</param>
    /// <exception cref="ArgumentException">A size is negative or a span has the wrong length.</exception>
    public static void BatchNormalization(
        ReadOnlySpan<float> x, ReadOnlySpan<float> scale, ReadOnlySpan<float> bias,
        ReadOnlySpan<float> mean, ReadOnlySpan<float> variance, Span<float> y,
        int batch, int channels, int spatial, float epsilon)
    {
        CheckTensor(x, y, batch, channels, spatial);
        SpanChecks.RequireLength(nameof(scale), scale.Length, channels, "channels");
        SpanChecks.RequireLength(nameof(bias), bias.Length, channels, "channels");
        SpanChecks.RequireLength(nameof(mean), mean.Length, channels, "channels");
        SpanChecks.RequireLength(nameof(variance), variance.Length, channels, "channels");

        int parts = Math.Min(IntraOpParallelism.CurrentDegree, batch * channels);
        if (parts > 1 && (long)batch * channels * spatial >= MinParallelLength)
        {
            BatchNormalizationInParallel(x, scale, bias, mean, variance, y, batch, channels, spatial, epsilon, parts);
        }
        else
        {
            BatchNormalizationPlanes(x, scale, bias, mean, variance, y, channels, spatial, epsilon, 0, batch * channels);
        }
    }

    /// <summary>Normalizes the channel planes <paramref name="firstPlane"/> to <paramref name="endPlane"/> (exclusive), numbered image·channels + channel.</summary>
    private static void BatchNormalizationPlanes(
        ReadOnlySpan<float> x, ReadOnlySpan<float> scale, ReadOnlySpan<float> bias,
        ReadOnlySpan<float> mean, ReadOnlySpan<float> variance, Span<float> y,
        int channels, int spatial, float epsilon, int firstPlane, int endPlane)
    {
        for (int plane = firstPlane; plane < endPlane; plane++)
        {
            int channel = plane % channels;
            int offset = plane * spatial;
            float factor = scale[channel] / MathF.Sqrt(variance[channel] + epsilon);
            SpanMath.SubtractScaleAdd(x.Slice(offset, spatial), mean[channel], factor, bias[channel], y.Slice(offset, spatial));
        }
    }

    /// <summary>
    /// Computes the ONNX LRN (local response normalization across channels):
    /// y = x / (bias + alpha/size · square_sum)^beta, where square_sum[c] = Σ x[c′]² for c′ from
    /// c − ⌊(size−1)/2⌋ to c + ⌈(size−1)/2⌉, clipped to the channels.
    /// </summary>
    /// <param name="x">Input, batch×channels×spatial.</param>
    /// <param name="y">Output, same shape as <paramref name="x"/>.</param>
    /// <param name="batch">Number of images.</param>
    /// <param name="channels">Channels per image.</param>
    /// <param name="spatial">Floats per channel, the product of the spatial dimensions.</param>
    /// <param name="size">Number of channels in the window.</param>
    /// <param name="alpha">Scale of the square sum, divided by <paramref name="size"/>.</param>
    /// <param name="beta">Exponent.</param>
    /// <param name="bias">Offset added before the power.</param>
    /// <exception cref="ArgumentException">A size is out of range or a span has the wrong length.</exception>
    public static void LocalResponseNormalization(
        ReadOnlySpan<float> x, Span<float> y, int batch, int channels, int spatial,
        int size, float alpha, float beta, float bias)
    {
        CheckTensor(x, y, batch, channels, spatial);
        SpanChecks.RequirePositive(nameof(size), size);
        int before = (size - 1) / 2;
        int after = size - 1 - before;
        float coefficient = alpha / size;

        for (int image = 0; image < batch; image++)
        {
            int imageOffset = image * channels * spatial;
            for (int channel = 0; channel < channels; channel++)
            {
                // Accumulate the square sum in the output row, then turn it into the result in place.
                Span<float> target = y.Slice(imageOffset + channel * spatial, spatial);
                target.Clear();
                int first = Math.Max(0, channel - before);
                int last = Math.Min(channels - 1, channel + after);
                for (int neighbor = first; neighbor <= last; neighbor++)
                {
                    SpanMath.AddSquares(x.Slice(imageOffset + neighbor * spatial, spatial), target);
                }

                ReadOnlySpan<float> source = x.Slice(imageOffset + channel * spatial, spatial);
                for (int i = 0; i < spatial; i++)
                {
                    target[i] = source[i] / MathF.Pow(bias + coefficient * target[i], beta);
                }
            }
        }
    }

    private static void CheckTensor(ReadOnlySpan<float> x, Span<float> y, int batch, int channels, int spatial)
    {
        SpanChecks.RequireNonNegative(nameof(batch), batch);
        SpanChecks.RequireNonNegative(nameof(channels), channels);
        SpanChecks.RequireNonNegative(nameof(spatial), spatial);
        long length = (long)batch * channels * spatial;
        SpanChecks.RequireLength(nameof(x), x.Length, length, $"batch×channels×spatial = {batch}×{channels}×{spatial}");
        SpanChecks.RequireLength(nameof(y), y.Length, length, $"batch×channels×spatial = {batch}×{channels}×{spatial}");
    }
}
