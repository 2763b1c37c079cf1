namespace Kiln.Gpu.Tests;

/// <summary>The options the tests construct networks with.</summary>
internal static class TestOptions
{
    /// <summary>The generated CPU code: the reference.</summary>
    public static readonly ActivationOptions Cpu = new() { ExecutionEnvironment = ExecutionEnvironment.Cpu };

    /// <summary>The generated GPU kernels on ILGPU's CPU accelerator.</summary>
    public static readonly ActivationOptions EmulatedGpu = new() { ExecutionEnvironment = ExecutionEnvironment.Gpu, RunGpuKernelsOnCpuForTesting = true };
}
