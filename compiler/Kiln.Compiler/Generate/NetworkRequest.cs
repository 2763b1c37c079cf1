namespace Kiln.Compiler.Generate;

/// <summary>
/// What to compile: the model file, the class to generate and the target layer. Value-equal, so the pipeline can
/// cache on it. A standalone request comes from a model with no [OnnxNetwork] class, so the generated part declares the class in full.
/// </summary>
internal sealed record NetworkRequest(
    string ModelPath,
    string ModelHash,
    string? Namespace,
    string ClassName,
    string? TargetLayer,
    string ResourceName,
    bool IsStandalone)
{
    /// <summary>Values for symbolic input dimensions as written by the user (<c>"S=28, T=5"</c>), or null for none.</summary>
    public string? Dimensions { get; init; }
}
