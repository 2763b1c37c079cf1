using System.Buffers;

namespace Kiln.Cpu;

/// <summary>Normalizations that compute the mean and variance of the input itself, in double.</summary>
public static partial class Normalization
{
    /// <summary>
    /// Computes the ONNX InstanceNormalization y = scale·(x − mean)/sqrt(variance + epsilon) + bias, where the
    /// mean and the population variance are taken over the spatial values of each image and channel.
    /// </summary>
    /// <param name="x">Input, batch×channels×spatial.</param>
    /// <param name="scale">Per-channel scale, channels floats.</param>
    /// <param name="bias">Per-channel offset, channels floats.</param>
    /// <param name="y">Output, same shape as <paramref name="x"/>.</param>
    /// <param name="batch">Number of images.</param>
    /// <param name="channels">Channels per image.</param>
    /// <param name="spatial">Floats per channel, the product of the spatial dimensions.</param>
    /// <param name="epsilon">Added to the variance before the square root.</param>
    /// <exception cref="ArgumentException">A size is negative or a span has the wrong length.</exception>
    public static void InstanceNormalization(
        ReadOnlySpan<float> x, ReadOnlySpan<float> scale, ReadOnlySpan<float> bias, Span<float> y,
        int batch, int channels, int spatial, float epsilon)
    {
        CheckTensor(x, y, batch, channels, spatial);
        SpanChecks.RequireLength(nameof(scale), scale.Length, channels, "channels");
        SpanChecks.RequireLength(nameof(bias), bias.Length, channels, "channels");

        for (int image = 0; image < batch; image++)
        {
            for (int channel = 0; channel < channels; channel++)
            {
                int offset = (image * channels + channel) * spatial;
                ReadOnlySpan<float> source = x.Slice(offset, spatial);
                Span<float> target = y.Slice(offset, spatial);
                (double mean, double variance) = Moments(source);
                double factor = scale[channel] / Math.Sqrt(variance + epsilon);
                for (int i = 0; i < spatial; i++)
                {
                    target[i] = (float)((source[i] - mean) * factor + bias[channel]);
                }
            }
        }
    }

    /// <summary>
    /// Computes the ONNX LayerNormalization y = (x − mean)/sqrt(variance + epsilon)·scale + bias over each row of a
    /// rows×columns tensor, where the columns are the normalized axes.
    /// </summary>
    /// <param name="x">Input, rows×columns.</param>
    /// <param name="scale">Scale per column, columns floats.</param>
    /// <param name="bias">Offset per column, columns floats, or empty for no offset.</param>
    /// <param name="y">Output, same shape as <paramref name="x"/>.</param>
    /// <param name="mean">Receives each row's mean, rows floats, or empty when not needed.</param>
    /// <param name="inverseStdDev">Receives each row's 1/sqrt(variance + epsilon), rows floats, or empty when not needed.</param>
    /// <param name="rows">Product of the dimensions before the normalized axes.</param>
    /// <param name="columns">Product of the normalized dimensions.</param>
    /// <param name="epsilon">Added to the variance before the square root.</param>
    /// <exception cref="ArgumentException">A size is negative or a span has the wrong length.</exception>
    public static void LayerNormalization(
        ReadOnlySpan<float> x, ReadOnlySpan<float> scale, ReadOnlySpan<float> bias, Span<float> y,
        Span<float> mean, Span<float> inverseStdDev, int rows, int columns, float epsilon)
    {
        SpanChecks.RequireNonNegative(nameof(rows), rows);
        SpanChecks.RequireNonNegative(nameof(columns), columns);
        SpanChecks.RequireLength(nameof(x), x.Length, (long)rows * columns, $"rows×columns = {rows}×{columns}");
        SpanChecks.RequireLength(nameof(y), y.Length, (long)rows * columns, $"rows×columns = {rows}×{columns}");
        SpanChecks.RequireLength(nameof(scale), scale.Length, columns, "columns");
        if (!bias.IsEmpty)
        {
            SpanChecks.RequireLength(nameof(bias), bias.Length, columns, "columns, or 0 for no bias");
        }

        if (!mean.IsEmpty)
        {
            SpanChecks.RequireLength(nameof(mean), mean.Length, rows, "rows, or 0 when not needed");
        }

        if (!inverseStdDev.IsEmpty)
        {
            SpanChecks.RequireLength(nameof(inverseStdDev), inverseStdDev.Length, rows, "rows, or 0 when not needed");
        }

        for (int row = 0; row < rows; row++)
        {
            ReadOnlySpan<float> source = x.Slice(row * columns, columns);
            Span<float> target = y.Slice(row * columns, columns);
            (double rowMean, double variance) = Moments(source);
            double inverse = 1 / Math.Sqrt(variance + epsilon);
            for (int i = 0; i < columns; i++)
            {
                double offset = bias.IsEmpty ? 0 : bias[i];
                target[i] = (float)((source[i] - rowMean) * inverse * scale[i] + offset);
            }

            if (!mean.IsEmpty)
            {
                mean[row] = (float)rowMean;
            }

            if (!inverseStdDev.IsEmpty)
            {
                inverseStdDev[row] = (float)inverse;
            }
        }
    }

    /// <summary>
    /// Computes the ONNX MeanVarianceNormalization y = (x − mean)/(sqrt(variance) + 1e-9), where the mean and the
    /// population variance are taken over the axes whose bit is set in <paramref name="reducedAxes"/>. The 1e-9
    /// is the constant of the operator's ONNX function body.
    /// </summary>
    /// <param name="x">Input, with the shape <paramref name="shape"/>.</param>
    /// <param name="y">Output, same shape as <paramref name="x"/>.</param>
    /// <param name="shape">Dimensions of <paramref name="x"/>, at most 31.</param>
    /// <param name="reducedAxes">Bit mask of the axes the statistics are taken over: bit i set includes axis i.</param>
    /// <exception cref="ArgumentException">A dimension is negative, the mask names an axis past the rank, or a span has the wrong length.</exception>
    public static void MeanVarianceNormalization(ReadOnlySpan<float> x, Span<float> y, ReadOnlySpan<int> shape, int reducedAxes)
    {
        (int keptCount, int reducedCount) = Reduction.CheckShape(x, shape, reducedAxes);
        SpanChecks.RequireLength(nameof(y), y.Length, x.Length, "the length of x");
        if (x.IsEmpty)
        {
            return;
        }

        int[] keptOffsets = ArrayPool<int>.Shared.Rent(keptCount);
        int[] reducedOffsets = ArrayPool<int>.Shared.Rent(reducedCount);
        try
        {
            Reduction.FillOffsets(shape, reducedAxes, reduced: false, keptOffsets.AsSpan(0, keptCount));
            Reduction.FillOffsets(shape, reducedAxes, reduced: true, reducedOffsets.AsSpan(0, reducedCount));
            ReadOnlySpan<int> offsets = reducedOffsets.AsSpan(0, reducedCount);
            for (int k = 0; k < keptCount; k++)
            {
                int start = keptOffsets[k];
                double sum = 0;
                foreach (int offset in offsets)
                {
                    sum += x[start + offset];
                }

                double mean = sum / reducedCount;
                double squares = 0;
                foreach (int offset in offsets)
                {
                    double difference = x[start + offset] - mean;
                    squares += difference * difference;
                }

                double divisor = Math.Sqrt(squares / reducedCount) + 1e-9;
                foreach (int offset in offsets)
                {
                    y[start + offset] = (float)((x[start + offset] - mean) / divisor);
                }
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(keptOffsets);
            ArrayPool<int>.Shared.Return(reducedOffsets);
        }
    }

    /// <summary>Returns the mean and the population variance of <paramref name="values"/>, in two passes in double.</summary>
    private static (double Mean, double Variance) Moments(ReadOnlySpan<float> values)
    {
        double sum = 0;
        foreach (float value in values)
        {
            sum += value;
        }

        double mean = sum / values.Length;
        double squares = 0;
        foreach (float value in values)
        {
            double difference = value - mean;
            squares += difference * difference;
        }

        return (mean, squares / values.Length);
    }
}
