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

    [Fact]
    public void FashionAlexNetMatchesSnapshot()
    {
        // A real exported model (a small AlexNet for 28×28 Fashion-MNIST images), the one the NativeAOT sample compiles.
        string model = Path.Combine(PackageTests.RepositoryRoot(), "generated-samples", "AotClassification", "fashion-alexnet.onnx");
        const string source = """
            namespace Sample;

            [Kiln.OnnxNetwork("fashion-alexnet.onnx")]
            public sealed partial class FashionAlexNet;
            """;

        GeneratorRun run = GeneratorHarness.Run(source, model);

        Assert.Empty(run.KilnDiagnostics);
        Assert.Empty(run.CompilationProblems);
        VerifiedFile.Assert("FashionAlexNet", run.GeneratedSource("FashionAlexNet.g.cs"));
    }

    [Fact]
    public void PyTorchFlattenFoldsShapeArithmetic()
    {
        string model = _models.Write("torch-flatten.onnx", TestModels.PyTorchFlatten());
        const string source = """
            namespace Sample;

            [Kiln.OnnxNetwork("torch-flatten.onnx")]
            public sealed partial class TorchFlatten;
            """;

        GeneratorRun run = GeneratorHarness.Run(source, model);

        Assert.Empty(run.KilnDiagnostics);
        Assert.Empty(run.CompilationProblems);
        string generated = run.GeneratedSource("TorchFlatten.g.cs");
        Assert.Contains("2 compute steps up to /Relu", generated);
        Assert.DoesNotContain("Gather", generated);
        Assert.DoesNotContain("Shape (", generated);
        VerifiedFile.Assert("TorchFlatten", generated);

        var network = (CompiledNetwork)Activator.CreateInstance(run.Load(model).GetType("Sample.TorchFlatten")!, [null])!;
        float[] input = Enumerable.Range(0, 120).Select(i => i % 7 - 3f).ToArray();
        Activations flat = network.Activations(input);
        Assert.Equal([2, 60], flat.Shape);
        Assert.Equal(input.Select(v => Math.Max(v, 0f)), flat.Values.ToArray());
    }
}
