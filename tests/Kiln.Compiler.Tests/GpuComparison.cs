using System.Reflection;

namespace Kiln.Compiler.Tests;

/// <summary>
/// The comparison of a compiled network's GPU kernels, run on ILGPU's CPU accelerator, with its CPU path, within a
/// tolerance relative to the largest CPU value.
/// </summary>
internal static class GpuComparison
{
    /// <summary>The generated C#, the reference the GPU kernels are compared with.</summary>
    public static readonly ActivationOptions Cpu = new() { ExecutionEnvironment = ExecutionEnvironment.Cpu };

    /// <summary>The generated GPU kernels on ILGPU's CPU accelerator.</summary>
    public static readonly ActivationOptions EmulatedGpu = new() { ExecutionEnvironment = ExecutionEnvironment.Gpu, RunGpuKernelsOnCpuForTesting = true };

    /// <summary>Returns <see cref="EmulatedGpu"/> for <see cref="ExecutionEnvironment.Gpu"/>, else <see cref="Cpu"/>.</summary>
    public static ActivationOptions For(ExecutionEnvironment environment) => environment == ExecutionEnvironment.Gpu ? EmulatedGpu : Cpu;

    /// <summary>Creates the network class <paramref name="typeName"/> of <paramref name="assembly"/> with <paramref name="options"/>.</summary>
    public static CompiledNetwork Create(Assembly assembly, string typeName, ActivationOptions options) =>
        (CompiledNetwork)Activator.CreateInstance(assembly.GetType(typeName, throwOnError: true)!, [options])!;

    /// <summary>
    /// Asserts equal lengths and every element within <paramref name="relativeTolerance"/> × max |expected|. An
    /// all-zero reference fails, because the comparison would prove nothing.
    /// </summary>
    public static void AssertClose(float[] expected, float[] actual, string description, float relativeTolerance = 1e-4f)
    {
        Assert.Equal(expected.Length, actual.Length);
        float scale = expected.Length == 0 ? 0f : expected.Max(MathF.Abs);
        Assert.True(scale > 0f, $"{description}: the CPU result is all zeros, so the comparison would prove nothing.");
        float tolerance = relativeTolerance * scale;
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(
                MathF.Abs(expected[i] - actual[i]) <= tolerance,
                $"{description}, element {i}: GPU {actual[i]}, CPU {expected[i]}, tolerance {tolerance}.");
        }
    }
}
