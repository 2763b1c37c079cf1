namespace Kiln;

/// <summary>Hardware that computes the activations.</summary>
public enum ExecutionEnvironment
{
    /// <summary>A CUDA GPU when one is available, else the CPU.</summary>
    Auto,

    /// <summary>The generated C# code on the CPU.</summary>
    Cpu,

    /// <summary>The generated GPU kernels on a CUDA device.</summary>
    Gpu,
}
