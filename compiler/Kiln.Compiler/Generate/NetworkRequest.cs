namespace Kiln.Compiler.Generate;

/// <summary>
/// What to compile: the model file, the class to generate and the target layer. Value-equal, so the pipeline can
/// cache on it. A standalone request comes from a model with no [OnnxNetwork] class, so the generated part declares the class in full.
/// <see cref="ExternalData"/> is the model item's ExternalData list, with '|' between entries as Kiln.targets passes it,
/// and <see cref="MaxArenaBytes"/> the KilnMaxArenaBytes build property as text. Both are null when the project does not set them.
/// <see cref="GpuKernels"/> requests ILGPU kernels beside the CPU code: the project references Kiln.Gpu and the
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
    string? ExternalData = null,
    string? MaxArenaBytes = null,
    bool GpuKernels = false)
{
    /// <summary>Values for symbolic input dimensions as written by the user (<c>"S=28, T=5"</c>), or null for none.</summary>
    public string? Dimensions { get; init; }
}
