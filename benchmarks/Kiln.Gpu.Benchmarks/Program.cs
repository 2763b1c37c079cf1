using System.Diagnostics;
using System.Globalization;
using Kiln;
using Kiln.Gpu.Benchmarks;

// Times ResNet18 (224×224 images up to the pooled 512 features) on the GPU through Kiln's generated kernels.
// Usage: Kiln.Gpu.Benchmarks [--batch N] [--iterations N] [--warmup N] [--cpu-accelerator]
// Each iteration copies a batch of images to the device, runs every layer and copies the features back. The last line
// is "kiln_ms_per_image <value>", the median over the iterations, which benchmarks/gpu/run.sh reads.
// --cpu-accelerator runs the kernels on ILGPU's CPU accelerator instead, only to check the program without a GPU.
int batch = Option("--batch", 32);
int iterations = Option("--iterations", 50);
int warmup = Option("--warmup", 5);
bool cpuAccelerator = args.Contains("--cpu-accelerator");

var options = new ActivationOptions
{
    ExecutionEnvironment = ExecutionEnvironment.Gpu,
    RunGpuKernelsOnCpuForTesting = cpuAccelerator,
    MiniBatchSize = batch,
};
using var network = new ResNet18Features(options);
Layer layer = ResNet18Features.Layers.Pooling395;
Console.WriteLine($"device: {network.Device}");
Console.WriteLine($"batch: {batch} images, {warmup} warm-up and {iterations} timed iterations");

// Random pixels around zero, as after ResNet18's preprocessing; the time does not depend on the values.
var random = new Random(1);
float[] input = new float[batch * ResNet18Features.Network.InputLength];
for (int i = 0; i < input.Length; i++)
{
    input[i] = (float)((random.NextDouble() * 255) - 128);
}

float[] output = new float[batch * layer.ElementCount];

// The first run compiles the kernels; warm-up runs keep that out of the timings.
for (int i = 0; i < warmup; i++)
{
    network.Activations(input, output, layer);
}

var times = new double[iterations];
for (int i = 0; i < iterations; i++)
{
    long start = Stopwatch.GetTimestamp();
    network.Activations(input, output, layer);
    times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
}

Array.Sort(times);
double median = times[times.Length / 2];
Console.WriteLine($"batch time: median {median:F2} ms, min {times[0]:F2} ms, max {times[^1]:F2} ms");
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"kiln_ms_per_image {median / batch:F4}"));

int Option(string name, int defaultValue)
{
    int index = Array.IndexOf(args, name);
    if (index < 0)
    {
        return defaultValue;
    }

    if (index + 1 >= args.Length || !int.TryParse(args[index + 1], CultureInfo.InvariantCulture, out int value) || value < 1)
    {
        throw new ArgumentException($"{name} needs a positive whole number, such as {name} {defaultValue}.");
    }

    return value;
}
