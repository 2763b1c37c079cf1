using System.Reflection;

namespace Kiln.Gpu.Tests;

/// <summary>Access to the GPU program the generator writes inside each network class.</summary>
internal static class GeneratedPrograms
{
    /// <summary>Creates the generated GPU program of <paramref name="network"/>, a private nested class of the network.</summary>
    public static GpuProgram Of(CompiledNetwork network)
    {
        Type programType = network.GetType().GetNestedType("GpuKernels", BindingFlags.NonPublic)
            ?? throw new InvalidOperationException($"{network.GetType().Name} has no generated GpuKernels class.");
        return (GpuProgram)Activator.CreateInstance(programType, network)!;
    }
}
