using Microsoft.CodeAnalysis;

namespace Kiln.Compiler.Tests;

public sealed class GeneratorDiagnosticsTests : IDisposable
{
    private readonly TestModels _models = new();

    public void Dispose() => _models.Dispose();

    [Fact]
    public void MissingModelReportsKln0001()
    {
        string other = _models.Write("other.onnx", TestModels.TinyConvRelu());

        GeneratorRun run = GeneratorHarness.Run(Declare("absent.onnx"), other);

        Diagnostic diagnostic = Assert.Single(run.KilnDiagnostics);
        Assert.Equal("KLN0001", diagnostic.Id);
        Assert.Contains("absent.onnx", diagnostic.GetMessage());
        Assert.Contains("AdditionalFiles", diagnostic.GetMessage());
        Assert.Contains("Did you mean 'other.onnx'?", diagnostic.GetMessage());
        AssertOnAttribute(diagnostic);
    }

    [Fact]
    public void UnknownLayerSuggestsClosestNames()
    {
        string model = _models.Write("small.onnx", TestModels.SmallCnn());

        GeneratorRun run = GeneratorHarness.Run(Declare("small.onnx", targetLayer: "relu"), model);

        Diagnostic diagnostic = Assert.Single(run.KilnDiagnostics);
        Assert.Equal("KLN0004", diagnostic.Id);
        Assert.Contains("'relu'", diagnostic.GetMessage());
        Assert.Contains("relu1", diagnostic.GetMessage());
        AssertOnAttribute(diagnostic);
    }

    [Fact]
    public void UnsupportedOperatorNamesNode()
    {
        var model = TestModels.TinyConvRelu();
        model.Graph.Node[1] = TestModels.Node("fancy_activation", "Swoosh", ["c"], ["y"]);
        string path = _models.Write("custom.onnx", model);

        GeneratorRun run = GeneratorHarness.Run(Declare("custom.onnx"), path);

        Diagnostic diagnostic = Assert.Single(run.KilnDiagnostics);
        Assert.Equal("KLN0005", diagnostic.Id);
        Assert.Contains("fancy_activation", diagnostic.GetMessage());
        Assert.Contains("Swoosh", diagnostic.GetMessage());
        Assert.Contains("custom.onnx", diagnostic.GetMessage());
        Assert.Contains("Conv", diagnostic.GetMessage());
        AssertOnAttribute(diagnostic);
    }

    [Fact]
    public void UnsupportedOperatorAfterTargetIsIgnored()
    {
        var model = TestModels.TinyConvRelu();
        model.Graph.Node[1] = TestModels.Node("fancy_activation", "Swoosh", ["c"], ["y"]);
        string path = _models.Write("custom.onnx", model);

        GeneratorRun run = GeneratorHarness.Run(Declare("custom.onnx", targetLayer: "conv"), path);

        Assert.Empty(run.KilnDiagnostics);
        Assert.Empty(run.CompilationProblems);
    }

    [Fact]
    public void RandomBytesReportKln0003()
    {
        var bytes = new byte[4096];
        new Random(3).NextBytes(bytes);
        string path = _models.WriteBytes("noise.onnx", bytes);

        GeneratorRun run = GeneratorHarness.Run(Declare("noise.onnx"), path);

        Diagnostic diagnostic = Assert.Single(run.KilnDiagnostics);
        Assert.Equal("KLN0003", diagnostic.Id);
        Assert.Contains("noise.onnx", diagnostic.GetMessage());
        AssertOnAttribute(diagnostic);
    }

    [Fact]
    public void TruncatedModelReportsKln0003()
    {
        byte[] whole = Google.Protobuf.MessageExtensions.ToByteArray(TestModels.SmallCnn());
        string path = _models.WriteBytes("cut.onnx", whole[..(whole.Length - 100)]);

        GeneratorRun run = GeneratorHarness.Run(Declare("cut.onnx"), path);

        Diagnostic diagnostic = Assert.Single(run.KilnDiagnostics);
        Assert.Equal("KLN0003", diagnostic.Id);
        Assert.Contains("cut.onnx", diagnostic.GetMessage());
        Assert.Contains("truncated", diagnostic.GetMessage());
    }

    [Fact]
    public void DeletedModelFileReportsKln0003()
    {
        string path = _models.Write("gone.onnx", TestModels.TinyConvRelu());
        File.Delete(path);

        GeneratorRun run = GeneratorHarness.Run(Declare("gone.onnx"), path);

        Diagnostic diagnostic = Assert.Single(run.KilnDiagnostics);
        Assert.Equal("KLN0003", diagnostic.Id);
        Assert.Contains("gone.onnx", diagnostic.GetMessage());
    }

    [Fact]
    public void ClassWithoutPartialReportsKln0009()
    {
        string path = _models.Write("tiny.onnx", TestModels.TinyConvRelu());
        string source = Declare("tiny.onnx").Replace("sealed partial class Net;", "sealed class Net { }");

        GeneratorRun run = GeneratorHarness.Run(source, path);

        Diagnostic diagnostic = Assert.Single(run.KilnDiagnostics);
        Assert.Equal("KLN0009", diagnostic.Id);
    }

    [Fact]
    public void BadModelsNeverThrowFromGenerator()
    {
        byte[] whole = Google.Protobuf.MessageExtensions.ToByteArray(TestModels.SmallCnn());
        var paths = new List<string>();
        for (int cut = 1; cut < whole.Length; cut += 37)
        {
            paths.Add(_models.WriteBytes($"cut{cut}.onnx", whole[..cut]));
        }

        foreach (string path in paths)
        {
            GeneratorRun run = GeneratorHarness.Run(Declare(Path.GetFileName(path)), path);

            Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Id is "CS8785" or "KLN9999");
            Assert.All(run.Result.Results, result => Assert.Null(result.Exception));
            Assert.DoesNotContain(run.CompilationProblems, d => !d.Id.StartsWith("KLN", StringComparison.Ordinal));
        }
    }

    private static string Declare(string model, string? targetLayer = null)
    {
        string target = targetLayer is null ? string.Empty : $", TargetLayer = \"{targetLayer}\"";
        return $$"""
            namespace Sample;

            [Kiln.OnnxNetwork("{{model}}"{{target}})]
            public sealed partial class Net;
            """;
    }

    private static void AssertOnAttribute(Diagnostic diagnostic)
    {
        FileLinePositionSpan span = diagnostic.Location.GetLineSpan();
        Assert.Equal("Networks.cs", span.Path);
        Assert.Equal(2, span.StartLinePosition.Line);
    }
}
