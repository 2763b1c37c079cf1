namespace Kiln.Compiler.Generate;

/// <summary>
/// What to compile: the model file, the class to generate and the target layer. Value-equal, so the pipeline can
/// cache on it. A standalone request comes from a model with no [OnnxNetwork] class, so the generated part declares the class in full.
/// <see cref="GpuKernels"/> asks for ILGPU kernels beside the CPU code: the project references Kiln.Gpu and the
/// network does not turn them off.
/// </summary>
internal sealed record NetworkRequest(
    string ModelPath,
    string ModelHash,
    string? Namespace,
    string ClassName,
    string? TargetLayer,
    string ResourceName,
    bool IsStandalone,
    bool GpuKernels = false);
