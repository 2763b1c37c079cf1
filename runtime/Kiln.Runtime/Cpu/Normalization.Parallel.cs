namespace Kiln.Cpu;

public static partial class Normalization
{
    /// <summary>
    /// Smallest tensor, in floats, that <see cref="BatchNormalization"/> splits across threads. 64 Ki floats take some
    /// 10 µs on one core, against a few microseconds to wake a thread-pool thread (estimates, not a measured break-even).
    /// </summary>
    internal const int MinParallelLength = 1 << 16;

    /// <summary>Computes <see cref="BatchNormalization"/> in <paramref name="parts"/> parts of whole channel planes.</summary>
    internal static unsafe void BatchNormalizationInParallel(
        ReadOnlySpan<float> x, ReadOnlySpan<float> scale, ReadOnlySpan<float> bias,
        ReadOnlySpan<float> mean, ReadOnlySpan<float> variance, Span<float> y,
        int batch, int channels, int spatial, float epsilon, int parts)
    {
        // The pointers stay valid while the pool threads use them, because WorkerTeam.Run returns only after every part is done.
        fixed (float* xPointer = x, scalePointer = scale, biasPointer = bias, meanPointer = mean, variancePointer = variance, yPointer = y)
        {
            var job = new BatchNormalizationJob(
                xPointer, scalePointer, biasPointer, meanPointer, variancePointer, yPointer, batch, channels, spatial, epsilon, parts);
            WorkerTeam<BatchNormalizationJob>.ForCurrentThread().Run(in job, callerScratch: default);
        }
    }

    /// <summary>One batch normalization split into parts of whole channel planes, over operands pinned by the caller.</summary>
    private readonly unsafe struct BatchNormalizationJob(
        float* x, float* scale, float* bias, float* mean, float* variance, float* y,
        int batch, int channels, int spatial, float epsilon, int parts) : IPartitionedJob
    {
        public static int ScratchLength => 0;

        public int Parts => parts;

        public void RunPart(int part, Span<float> scratch)
        {
            int planes = batch * channels;
            int length = planes * spatial;
            BatchNormalizationPlanes(
                new ReadOnlySpan<float>(x, length), new ReadOnlySpan<float>(scale, channels), new ReadOnlySpan<float>(bias, channels),
                new ReadOnlySpan<float>(mean, channels), new ReadOnlySpan<float>(variance, channels), new Span<float>(y, length),
                channels, spatial, epsilon, (int)((long)part * planes / parts), (int)((long)(part + 1) * planes / parts));
        }
    }
}
