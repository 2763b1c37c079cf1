using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;

namespace Kiln.Gpu;

/// <summary>Finds the accelerator that runs a network's GPU kernels, by the network's options.</summary>
internal static class GpuAccelerators
{
    // Whether ILGPU finds a CUDA device, probed once per process, so that creating a network with Auto on a machine
    // without one costs no ILGPU context after the first time.
    private static readonly Lazy<bool> CudaPresent = new(() =>
    {
        using Context context = Context.Create(builder => builder.Cuda());
        return context.GetCudaDevices().Count > 0;
    });

    /// <summary>
    /// Creates an ILGPU context for every accelerator ILGPU finds, with the Algorithms library's math enabled, because
    /// ILGPU's CUDA backend alone rejects MathF.Exp, Pow and the like, which Softmax, LRN and the math kernels call.
    /// </summary>
    public static Context CreateContext() => Context.Create(builder => builder.Default().EnableAlgorithms());

    /// <summary>
    /// Opens the accelerator for <paramref name="options"/>: ILGPU's CPU accelerator when the test-only option requests
    /// it, else the first CUDA device. Returns null for Auto without a CUDA device; throws for Gpu without one.
    /// </summary>
    public static (Context Context, Accelerator Accelerator)? Open(ActivationOptions options, string className)
    {
        if (options.ExecutionEnvironment == ExecutionEnvironment.Gpu && options.RunGpuKernelsOnCpuForTesting)
        {
            return OpenCpuAccelerator();
        }

        if (options.ExecutionEnvironment == ExecutionEnvironment.Auto && !CudaPresent.Value)
        {
            return null;
        }

        Context context = CreateContext();
        try
        {
            var cudaDevices = context.GetCudaDevices();
            if (cudaDevices.Count > 0)
            {
                return (context, cudaDevices[0].CreateAccelerator(context));
            }

            if (options.ExecutionEnvironment == ExecutionEnvironment.Auto)
            {
                context.Dispose();
                return null;
            }

            string found = string.Join(", ", context.Devices.Select(device => $"{device.AcceleratorType} '{device.Name}'"));
            throw new NotSupportedException(
                $"No CUDA device was found, so {className} cannot run with ExecutionEnvironment.Gpu. " +
                $"ILGPU found these accelerators: {(found.Length == 0 ? "none" : found)}. " +
                "Check that an NVIDIA GPU and its driver are installed, or use ExecutionEnvironment.Auto or Cpu.");
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }

    /// <summary>
    /// ILGPU's CPU accelerator shaped like a small GPU: groups of up to <see cref="GpuProgram.GroupSize"/> threads,
    /// one multiprocessor per processor core.
    /// </summary>
    private static (Context Context, Accelerator Accelerator) OpenCpuAccelerator()
    {
        const int WarpSize = 32;
        var device = new CPUDevice(WarpSize, GpuProgram.GroupSize / WarpSize, Environment.ProcessorCount);
        Context context = Context.Create(builder => builder.CPU(device));
        try
        {
            return (context, context.GetCPUDevice(0).CreateAccelerator(context));
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }
}
