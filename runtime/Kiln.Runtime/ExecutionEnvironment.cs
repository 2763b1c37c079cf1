namespace Kiln;

/// <summary>Hardware that computes the activations.</summary>
public enum ExecutionEnvironment
{
    /// <summary>
    /// A CUDA GPU when ILGPU finds one, the network has GPU kernels (its project references Kiln.Gpu) and the process
    /// can compile code at run time, which NativeAOT cannot. Otherwise the CPU.
    /// </summary>
    Auto,

    /// <summary>The generated C# code on the CPU.</summary>
    Cpu,

    /// <summary>
    /// The generated GPU kernels on a CUDA device. Construction fails when the network has no GPU kernels, when no CUDA
    /// device is found, or in a NativeAOT process, where ILGPU cannot compile kernels.
    /// </summary>
    Gpu,
}
