namespace Kiln.Compiler.Generate;

/// <summary>An ONNX file among the project's AdditionalFiles: its path and a hash of its content, never its bytes.</summary>
internal sealed record ModelFile(string Path, string ContentHash);

/// <summary>
/// The item metadata of an ONNX AdditionalFiles item (TargetLayer, ClassName, ExternalData, Dimensions, GpuKernels)
/// and the build properties that apply to it (RootNamespace, KilnMaxArenaBytes).
/// </summary>
/// <remarks><see cref="GpuKernels"/> is false when the item sets <c>GpuKernels="false"</c>.</remarks>
internal sealed record ModelOptions(string Path, string? TargetLayer, string? ClassName, string? RootNamespace, string? ExternalData = null, string? MaxArenaBytes = null, bool GpuKernels = true)
{
    public string? Dimensions { get; init; }
}

/// <summary>A class marked with [OnnxNetwork], as read from syntax: names, arguments and where to report problems.</summary>
internal sealed record NetworkDeclaration(
    string ClassName,
    string? Namespace,
    string ModelPath,
    string? TargetLayer,
    bool IsPartial,
    bool IsNested,
    bool IsGeneric,
    LocationInfo? Location,
    bool GpuKernels = true)
{
    public string? Dimensions { get; init; }
}

/// <summary>A declaration matched with its model file, or the diagnostic that explains why it could not be.</summary>
internal sealed record NetworkJob(NetworkRequest? Request, DiagnosticInfo? Problem, LocationInfo? Location);

/// <summary>The generator's output for one network: the source (null on failure) and its diagnostics.</summary>
internal sealed record GeneratedNetwork(string HintName, string? Source, EquatableArray<DiagnosticInfo> Diagnostics);

/// <summary>Names of the pipeline steps, so that tests can check which steps ran and which were cached.</summary>
internal static class TrackingNames
{
    public const string ModelFiles = nameof(ModelFiles);
    public const string Declarations = nameof(Declarations);
    public const string ModelOptions = nameof(ModelOptions);
    public const string Jobs = nameof(Jobs);
    public const string StandaloneJobs = nameof(StandaloneJobs);
    public const string StandaloneNetworks = nameof(StandaloneNetworks);
    public const string Networks = nameof(Networks);
    public const string GpuRuntime = nameof(GpuRuntime);
}
