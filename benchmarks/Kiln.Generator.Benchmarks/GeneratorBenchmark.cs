using System.Reflection;
using BenchmarkDotNet.Attributes;
using Kiln.Compiler.Generate;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace Kiln.Generator.Benchmarks;

/// <summary>
/// The whole generator on the 63 MB ResNet18 model, as a build runs it: hash the file, read the graph, infer shapes,
/// plan memory and emit the class. BenchmarkDotNet's memory diagnoser reports what one run allocates.
/// </summary>
[MemoryDiagnoser]
public class GeneratorBenchmark
{
    private CSharpCompilation? _compilation;
    private AdditionalText? _model;

    [GlobalSetup]
    public void Setup()
    {
        string path = typeof(GeneratorBenchmark).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(attribute => attribute.Key == "ResNet18Model").Value!;
        if (!File.Exists(path))
        {
            throw new FileNotFoundException("ResNet18.onnx not found; run 'dotnet restore' on this project first.", path);
        }

        _model = new FileText(path);
        SyntaxTree tree = CSharpSyntaxTree.ParseText("namespace Bench; [Kiln.OnnxNetwork(\"ResNet18.onnx\", TargetLayer = \"Pooling395\")] public sealed partial class ResNet18Features;");
        _compilation = CSharpCompilation.Create("Bench", [tree], [MetadataReference.CreateFromFile(typeof(object).Assembly.Location)]);
    }

    [Benchmark(Description = "Kiln generator, ResNet18 (63 MB)")]
    public int GenerateResNet18()
    {
        GeneratorDriver driver = CSharpGeneratorDriver.Create([new KilnGenerator().AsSourceGenerator()], additionalTexts: [_model!]);
        GeneratorDriverRunResult result = driver.RunGenerators(_compilation!).GetRunResult();
        return result.GeneratedTrees.Length + result.Diagnostics.Length;
    }

    /// <summary>An AdditionalFiles item read from its path, as Kiln reads models in a build.</summary>
    private sealed class FileText(string path) : AdditionalText
    {
        public override string Path { get; } = path;

        public override SourceText? GetText(CancellationToken cancellationToken = default) => null;
    }
}
