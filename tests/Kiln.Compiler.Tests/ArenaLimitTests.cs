using Kiln.Compiler.Read.Onnx;
using Microsoft.CodeAnalysis;

namespace Kiln.Compiler.Tests;

/// <summary>The limit on the activation memory a network may plan per observation (KLN0018) and the property that sets it (KLN0019).</summary>
public sealed class ArenaLimitTests : IDisposable
{
    private const string Source = "namespace Sample;\n\n[Kiln.OnnxNetwork(\"net.onnx\")]\npublic sealed partial class Net;";

    private readonly TestModels _models = new();

    public void Dispose() => _models.Dispose();

    [Fact]
    public void DefaultLimitRejectsThreeGibibytes()
    {
        // Expand to 1×16384×16384 floats (1 GiB), Relu of it (1 GiB more), then Add of both: the Add's output makes 3 GiB live at once.
        var graph = new GraphProto { Name = "huge" };
        graph.Input.Add(TestModels.Value("x", 1, 1, 1));
        graph.Output.Add(TestModels.Value("sum", 1, 16384, 16384));
        graph.Initializer.Add(TestModels.Int64s("shape", [3], 1, 16384, 16384));
        graph.Node.Add(TestModels.Node("expand", "Expand", ["x", "shape"], ["wide"]));
        graph.Node.Add(TestModels.Node("relu", "Relu", ["wide"], ["positive"]));
        graph.Node.Add(TestModels.Node("add", "Add", ["positive", "wide"], ["sum"]));
        string model = _models.Write("net.onnx", TestModels.Model(graph, 13));

        Diagnostic diagnostic = Single(new BuildOptions(), model);

        Assert.Equal("KLN0018", diagnostic.Id);
        Assert.Contains($"needs {3L << 30} bytes of activation memory per observation (at step 2, node 'add' (Add)", diagnostic.GetMessage());
        Assert.Contains($"more than the limit of {1L << 31} bytes", diagnostic.GetMessage());
    }

    [Fact]
    public void PropertyLowersLimit()
    {
        // Conv writes 4 floats and Relu 4 more, each padded to 16 floats (64 bytes), and both are live during Relu: 128 bytes.
        string model = _models.Write("net.onnx", TestModels.TinyConvRelu());

        Diagnostic diagnostic = Single(new BuildOptions().Property("KilnMaxArenaBytes", "127"), model);

        Assert.Equal("KLN0018", diagnostic.Id);
        Assert.Contains("needs 128 bytes of activation memory per observation (at step 1, node 'relu' (Relu)", diagnostic.GetMessage());
        Assert.Contains("largest live tensor is 'c' with 64 bytes", diagnostic.GetMessage());
        Assert.Contains("more than the limit of 127 bytes", diagnostic.GetMessage());
    }

    [Fact]
    public void NetworkAtLimitCompiles()
    {
        string model = _models.Write("net.onnx", TestModels.TinyConvRelu());

        GeneratorRun run = GeneratorHarness.Run(new BuildOptions().Property("KilnMaxArenaBytes", "128"), Source, model);

        Assert.Empty(run.KilnDiagnostics);
        Assert.Empty(run.CompilationProblems);
    }

    [Theory]
    [InlineData("2GB")]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("8589934592")]
    public void InvalidPropertyIsReported(string value)
    {
        string model = _models.Write("net.onnx", TestModels.TinyConvRelu());

        Diagnostic diagnostic = Single(new BuildOptions().Property("KilnMaxArenaBytes", value), model);

        Assert.Equal("KLN0019", diagnostic.Id);
        Assert.Contains($"KilnMaxArenaBytes has the value '{value}'", diagnostic.GetMessage());
        Assert.Contains("a whole number of bytes from 1 to 8589934528", diagnostic.GetMessage());
    }

    private static Diagnostic Single(BuildOptions options, string model)
    {
        GeneratorRun run = GeneratorHarness.Run(options, Source, model);
        Diagnostic diagnostic = Assert.Single(run.KilnDiagnostics);
        Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Id is "CS8785" or "KLN9999");
        return diagnostic;
    }
}
