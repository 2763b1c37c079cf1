namespace Kiln.Compiler.Tests;

public sealed class SnapshotTests : IDisposable
{
    private readonly TestModels _models = new();

    public void Dispose() => _models.Dispose();

    [Fact]
    public void SmallCnnMatchesSnapshot()
    {
        string model = _models.Write("small-cnn.onnx", TestModels.SmallCnn());
        const string source = """
            namespace Sample;

            [Kiln.OnnxNetwork("small-cnn.onnx")]
            public sealed partial class SmallCnn;
            """;

        GeneratorRun run = GeneratorHarness.Run(source, model);

        Assert.Empty(run.KilnDiagnostics);
        Assert.Empty(run.CompilationProblems);
        VerifiedFile.Assert("SmallCnn", run.GeneratedSource("SmallCnn.g.cs"));
    }
}
