using System.Collections.Immutable;
using System.Reflection;
using System.Runtime.Loader;
using Kiln.Compiler.Generate;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace Kiln.Compiler.Tests;

/// <summary>Runs the Kiln generator in memory over one source file and a set of model files, the way a build would.</summary>
internal static class GeneratorHarness
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(() =>
    {
        string[] platform = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        return platform
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .Append(MetadataReference.CreateFromFile(typeof(CompiledNetwork).Assembly.Location))
            .ToImmutableArray();
    });

    public static GeneratorRun Run(string source, params string[] modelPaths) =>
        Run(CreateCompilation(source), modelPaths);

    public static GeneratorRun Run(CSharpCompilation compilation, params string[] modelPaths)
    {
        GeneratorDriver driver = CreateDriver(modelPaths);
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out ImmutableArray<Diagnostic> diagnostics);
        return new GeneratorRun(driver, output, diagnostics);
    }

    public static CSharpCompilation CreateCompilation(string source) =>
        CSharpCompilation.Create(
            "KilnGeneratorTest",
            [CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest), path: "Networks.cs")],
            References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    public static GeneratorDriver CreateDriver(params string[] modelPaths) =>
        CSharpGeneratorDriver.Create(
            [new KilnGenerator().AsSourceGenerator()],
            additionalTexts: modelPaths.Select(path => (AdditionalText)new FileAdditionalText(path)),
            parseOptions: new CSharpParseOptions(LanguageVersion.Latest),
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>An AdditionalFiles item backed by a file on disk; Kiln reads models from the path, as it does in a build.</summary>
    private sealed class FileAdditionalText(string path) : AdditionalText
    {
        public override string Path { get; } = path;

        public override SourceText? GetText(CancellationToken cancellationToken = default) => null;
    }
}

/// <summary>The result of one generator run: the driver (for a second, incremental run), the updated compilation and all diagnostics.</summary>
internal sealed record GeneratorRun(GeneratorDriver Driver, Compilation Output, ImmutableArray<Diagnostic> GeneratorDiagnostics)
{
    public GeneratorDriverRunResult Result => Driver.GetRunResult();

    public IEnumerable<Diagnostic> KilnDiagnostics => GeneratorDiagnostics.Where(d => d.Id.StartsWith("KLN", StringComparison.Ordinal));

    public string GeneratedSource(string hintNameEnd) =>
        Result.Results.SelectMany(r => r.GeneratedSources).Single(s => s.HintName.EndsWith(hintNameEnd, StringComparison.Ordinal)).SourceText.ToString();

    /// <summary>Errors and warnings of the compilation with the generated code, which must be none.</summary>
    public IEnumerable<Diagnostic> CompilationProblems =>
        Output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning);

    /// <summary>Compiles the output with each model embedded as Kiln's build targets would, and loads it.</summary>
    public Assembly Load(params string[] modelPaths)
    {
        var resources = modelPaths.Select(path => new ResourceDescription(KilnGenerator.ResourceName(path), () => File.OpenRead(path), isPublic: true));
        using var image = new MemoryStream();
        Microsoft.CodeAnalysis.Emit.EmitResult emitted = Output.Emit(image, manifestResources: resources);
        Assert.True(emitted.Success, string.Join(Environment.NewLine, emitted.Diagnostics));
        image.Position = 0;
        return new AssemblyLoadContext(name: null, isCollectible: false).LoadFromStream(image);
    }
}
