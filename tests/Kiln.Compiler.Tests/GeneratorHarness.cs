using System.Collections.Immutable;
using System.Reflection;
using System.Runtime.Loader;
using Kiln.Compiler.Generate;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace Kiln.Compiler.Tests;

/// <summary>Runs the Kiln generator in memory over one source file and a set of model files, the way a build would.</summary>
internal static class GeneratorHarness
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(() =>
    {
        // A test project's own dependencies may include Kiln.Gpu, which would give every test network GPU kernels;
        // only GpuHarness.CreateGpuCompilation references it.
        string[] platform = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        string[] gpuAssemblies = ["Kiln.Gpu.dll", "ILGPU.dll"];
        return platform
            .Where(path => !gpuAssemblies.Contains(Path.GetFileName(path), StringComparer.OrdinalIgnoreCase))
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

    public static GeneratorDriver CreateDriver(params string[] modelPaths) => CreateDriver(new BuildOptions(), modelPaths);

    /// <summary>A driver that also receives MSBuild properties and item metadata, as the build passes them to generators.</summary>
    public static GeneratorDriver CreateDriver(BuildOptions options, params string[] modelPaths) =>
        CSharpGeneratorDriver.Create(
            [new KilnGenerator().AsSourceGenerator()],
            additionalTexts: modelPaths.Select(path => (AdditionalText)new FileAdditionalText(path)),
            parseOptions: new CSharpParseOptions(LanguageVersion.Latest),
            optionsProvider: options,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    public static GeneratorRun Run(BuildOptions options, string source, params string[] modelPaths)
    {
        GeneratorDriver driver = CreateDriver(options, modelPaths);
        driver = driver.RunGeneratorsAndUpdateCompilation(CreateCompilation(source), out Compilation output, out ImmutableArray<Diagnostic> diagnostics);
        return new GeneratorRun(driver, output, diagnostics);
    }

    /// <summary>An AdditionalFiles item backed by a file on disk; Kiln reads models from the path, as it does in a build.</summary>
    private sealed class FileAdditionalText(string path) : AdditionalText
    {
        public override string Path { get; } = path;

        public override SourceText? GetText(CancellationToken cancellationToken = default) => null;
    }
}

/// <summary>Build properties (<c>build_property.*</c>) and per-file item metadata (<c>build_metadata.AdditionalFiles.*</c>) for the generator.</summary>
internal sealed class BuildOptions : AnalyzerConfigOptionsProvider
{
    private readonly Dictionary<string, Dictionary<string, string>> _files = new(StringComparer.Ordinal);
    private readonly Options _global = new(new Dictionary<string, string>());

    public override AnalyzerConfigOptions GlobalOptions => _global;

    public BuildOptions Property(string name, string value)
    {
        _global.Values["build_property." + name] = value;
        return this;
    }

    public BuildOptions Metadata(string path, string name, string value)
    {
        if (!_files.TryGetValue(path, out Dictionary<string, string>? values))
        {
            _files[path] = values = new Dictionary<string, string>();
        }

        values["build_metadata.AdditionalFiles." + name] = value;
        return this;
    }

    public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => new Options(new Dictionary<string, string>());

    public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) =>
        new Options(_files.TryGetValue(textFile.Path, out Dictionary<string, string>? values) ? values : new Dictionary<string, string>());

    private sealed class Options(Dictionary<string, string> values) : AnalyzerConfigOptions
    {
        public Dictionary<string, string> Values { get; } = values;

        public override bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value) => Values.TryGetValue(key, out value);
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
    public Assembly Load(params string[] modelPaths) => Load([], modelPaths);

    /// <summary>Compiles the output with each model and the given external data files embedded under their resource names, and loads it.</summary>
    public Assembly Load(IEnumerable<(string ResourceName, string Path)> externalFiles, params string[] modelPaths)
    {
        var resources = modelPaths.Select(path => (ResourceName: KilnGenerator.ResourceName(path), Path: path))
            .Concat(externalFiles)
            .Select(file => new ResourceDescription(file.ResourceName, () => File.OpenRead(file.Path), isPublic: true));
        using var image = new MemoryStream();
        Microsoft.CodeAnalysis.Emit.EmitResult emitted = Output.Emit(image, manifestResources: resources);
        Assert.True(emitted.Success, string.Join(Environment.NewLine, emitted.Diagnostics));
        image.Position = 0;
        return new AssemblyLoadContext(name: null, isCollectible: false).LoadFromStream(image);
    }
}
