namespace Kiln.Cpu;

/// <summary>BatchNormalization in training mode, which normalizes with the statistics of the batch itself.</summary>
public static partial class Normalization
{
    /// <summary>
    /// Computes the training-mode ONNX BatchNormalization (opsets 14 and 15 with training_mode = 1):
    /// y = scale·(x − current_mean)/sqrt(current_var + epsilon) + bias, where current_mean and the population
    /// variance current_var of each channel are taken over all images and spatial positions of <paramref name="x"/>,
    /// and the updated running statistics
    /// running_mean = input_mean·momentum + current_mean·(1 − momentum) and likewise running_var from input_var and current_var.
    /// The sums run in double.
    /// </summary>
    /// <param name="x">Input, batch×channels×spatial.</param>
    /// <param name="scale">Per-channel scale, channels floats.</param>
    /// <param name="bias">Per-channel offset, channels floats.</param>
    /// <param name="inputMean">Per-channel running mean before this batch, channels floats.</param>
    /// <param name="inputVariance">Per-channel running variance before this batch, channels floats.</param>
    /// <param name="y">Output, same shape as <paramref name="x"/>.</param>
    /// <param name="runningMean">Receives the updated running mean, channels floats, or empty when not needed.</param>
    /// <param name="runningVariance">Receives the updated running variance, channels floats, or empty when not needed.</param>
    /// <param name="batch">Number of images, all of which enter the statistics.</param>
    /// <param name="channels">Channels per image.</param>
    /// <param name="spatial">Floats per channel and image, the product of the spatial dimensions.</param>
    /// <param name="epsilon">Added to the variance before the square root.</param>
    /// <param name="momentum">Weight of the previous running statistics in the updated ones.</param>
    /// <exception cref="ArgumentException">A size is negative or a span has the wrong length.</exception>
    public static void BatchNormalizationTraining(
        ReadOnlySpan<float> x, ReadOnlySpan<float> scale, ReadOnlySpan<float> bias,
        ReadOnlySpan<float> inputMean, ReadOnlySpan<float> inputVariance, Span<float> y,
        Span<float> runningMean, Span<float> runningVariance,
        int batch, int channels, int spatial, float epsilon, float momentum)
    {
        CheckTensor(x, y, batch, channels, spatial);
        SpanChecks.RequireLength(nameof(scale), scale.Length, channels, "channels");
        SpanChecks.RequireLength(nameof(bias), bias.Length, channels, "channels");
        SpanChecks.RequireLength(nameof(inputMean), inputMean.Length, channels, "channels");
        SpanChecks.RequireLength(nameof(inputVariance), inputVariance.Length, channels, "channels");
        if (!runningMean.IsEmpty)
        {
            SpanChecks.RequireLength(nameof(runningMean), runningMean.Length, channels, "channels, or 0 when not needed");
        }

        if (!runningVariance.IsEmpty)
        {
            SpanChecks.RequireLength(nameof(runningVariance), runningVariance.Length, channels, "channels, or 0 when not needed");
        }

        for (int channel = 0; channel < channels; channel++)
        {
            (double mean, double variance) = ChannelMoments(x, channel, batch, channels, spatial);
            double factor = scale[channel] / Math.Sqrt(variance + epsilon);
            for (int image = 0; image < batch; image++)
            {
                int offset = (image * channels + channel) * spatial;
                ReadOnlySpan<float> source = x.Slice(offset, spatial);
                Span<float> target = y.Slice(offset, spatial);
                for (int i = 0; i < spatial; i++)
                {
                    target[i] = (float)((source[i] - mean) * factor + bias[channel]);
                }
            }

            if (!runningMean.IsEmpty)
            {
                runningMean[channel] = (float)(inputMean[channel] * (double)momentum + mean * (1.0 - momentum));
            }

            if (!runningVariance.IsEmpty)
            {
                runningVariance[channel] = (float)(inputVariance[channel] * (double)momentum + variance * (1.0 - momentum));
            }
        }
    }

    /// <summary>Returns the mean and population variance of one channel over all images and spatial positions.</summary>
    private static (double Mean, double Variance) ChannelMoments(ReadOnlySpan<float> x, int channel, int batch, int channels, int spatial)
    {
        double sum = 0;
        for (int image = 0; image < batch; image++)
        {
            foreach (float value in x.Slice((image * channels + channel) * spatial, spatial))
            {
                sum += value;
            }
        }

        long count = (long)batch * spatial;
        double mean = sum / count;
        double squares = 0;
        for (int image = 0; image < batch; image++)
        {
            foreach (float value in x.Slice((image * channels + channel) * spatial, spatial))
            {
                double difference = value - mean;
                squares += difference * difference;
            }
        }

        return (mean, squares / count);
    }
}
