namespace Kiln.Compiler.Generate;

/// <summary>What to compile: the model file, the class to generate and the target layer. Value-equal, so the pipeline can cache on it.</summary>
internal sealed record NetworkRequest(
    string ModelPath,
    string ModelHash,
    string? Namespace,
    string ClassName,
    string? TargetLayer,
    string ResourceName);
