using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Kiln.Compiler.Tests;

/// <summary>Compilations that reference Kiln.Gpu and ILGPU, as a project that wants GPU kernels does.</summary>
internal static class GpuHarness
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(() =>
    [
        MetadataReference.CreateFromFile(typeof(Kiln.Gpu.GpuRunner).Assembly.Location),
        MetadataReference.CreateFromFile(typeof(ILGPU.Context).Assembly.Location),
    ]);

    /// <summary>A compilation of <paramref name="source"/> that references Kiln.Gpu, so that the generator adds GPU kernels.</summary>
    public static CSharpCompilation CreateGpuCompilation(string source) =>
        GeneratorHarness.CreateCompilation(source).AddReferences(References.Value);
}
