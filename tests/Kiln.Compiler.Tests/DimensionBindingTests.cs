using System.Reflection;
using Kiln.Compiler.Read.Onnx;
using Microsoft.CodeAnalysis;

namespace Kiln.Compiler.Tests;

/// <summary>
/// Binding of symbolic input dimensions: a sequence model with input S×N×1 and output N×1, where N is the batch
/// (named like the output's leading dimension) and S takes its value from the Dimensions option.
/// </summary>
public sealed class DimensionBindingTests : IDisposable
{
    private readonly TestModels _models = new();

    public void Dispose() => _models.Dispose();

    [Fact]
    public void DimensionsOptionFixesSequenceLength()
    {
        string model = _models.Write("summing.onnx", SummingRnn());

        GeneratorRun run = GeneratorHarness.Run("[Kiln.OnnxNetwork(\"summing.onnx\", Dimensions = \"S=3\")] public sealed partial class Summing;", model);

        Assert.Empty(run.KilnDiagnostics);
        Assert.Empty(run.CompilationProblems);
        using CompiledNetwork network = Create(run.Load(model), "Summing");
        Assert.Equal([3, 1, 1], network.Definition.Layers[0].Shape);

        // Two observations of three steps each; the RNN adds up its inputs.
        Activations sums = network.Activations(new float[] { 1, 2, 3, 10, 20, 30 });
        Assert.Equal([6f, 60f], sums.Values.ToArray());
    }

    [Fact]
    public void ItemMetadataGivesDimensions()
    {
        string model = _models.Write("summing.onnx", SummingRnn());
        BuildOptions options = new BuildOptions().Metadata(model, "Dimensions", "S=2");

        GeneratorRun run = GeneratorHarness.Run(options, "namespace Sample;", model);

        Assert.Empty(run.KilnDiagnostics);
        using CompiledNetwork network = Create(run.Load(model), "Summing");
        Assert.Equal([5f], network.Activations(new float[] { 2, 3 }).Values.ToArray());
    }

    [Fact]
    public void MissingSequenceLengthIsReported()
    {
        string model = _models.Write("summing.onnx", SummingRnn());

        GeneratorRun run = GeneratorHarness.Run("[Kiln.OnnxNetwork(\"summing.onnx\")] public sealed partial class Summing;", model);

        // N is the batch, so the leading S is not taken for it.
        Diagnostic diagnostic = Assert.Single(run.KilnDiagnostics);
        Assert.Equal("KLN0008", diagnostic.Id);
        Assert.Contains("'S' at axis 0", diagnostic.GetMessage());
        Assert.Contains("Dimensions = \"S=<size>\"", diagnostic.GetMessage());
    }

    [Theory]
    [InlineData("S=three", "'three' is not a positive integer")]
    [InlineData("S=0", "'0' is not a positive integer")]
    [InlineData("S", "'S' is not a name=value pair")]
    [InlineData("S=3, S=4", "the dimension 'S' is given more than once")]
    [InlineData("T=3", "no graph input has a dimension named 'T' (the symbolic dimensions of the graph inputs are N, S)")]
    public void InvalidDimensionsAreReported(string dimensions, string message)
    {
        string model = _models.Write("summing.onnx", SummingRnn());

        GeneratorRun run = GeneratorHarness.Run($"[Kiln.OnnxNetwork(\"summing.onnx\", Dimensions = \"{dimensions}\")] public sealed partial class Summing;", model);

        Diagnostic diagnostic = Assert.Single(run.KilnDiagnostics);
        Assert.Equal("KLN0020", diagnostic.Id);
        Assert.Contains(message, diagnostic.GetMessage());
    }

    private static CompiledNetwork Create(Assembly assembly, string className)
    {
        Type type = assembly.GetTypes().Single(t => t.Name == className);
        return (CompiledNetwork)Activator.CreateInstance(type, [null])!;
    }

    /// <summary>
    /// x (S×N×1) → RNN with W = R = 1 and the identity Affine activation, so Y_h is the sum over time → Squeeze of
    /// axis 0 → h (N×1).
    /// </summary>
    private static ModelProto SummingRnn()
    {
        var graph = new GraphProto { Name = "summing" };
        graph.Input.Add(Symbolic("x", "S", "N", "1"));
        graph.Output.Add(Symbolic("h", "N", "1"));
        graph.Initializer.Add(TestModels.RawFloats("W", [1, 1, 1], 1f));
        graph.Initializer.Add(TestModels.RawFloats("R", [1, 1, 1], 1f));
        graph.Initializer.Add(TestModels.Int64s("axes", [1], 0));
        var activations = new AttributeProto { Name = "activations", Type = AttributeProto.Types.AttributeType.Strings };
        activations.Strings.Add(Google.Protobuf.ByteString.CopyFromUtf8("Affine"));
        graph.Node.Add(TestModels.Node("rnn", "RNN", ["x", "W", "R"], ["", "y_h"], activations));
        graph.Node.Add(TestModels.Node("squeeze", "Squeeze", ["y_h", "axes"], ["h"]));
        return TestModels.Model(graph, 17);
    }

    /// <summary>A float value info whose dimensions are numbers or, where not numeric, symbols.</summary>
    private static ValueInfoProto Symbolic(string name, params string[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (string dim in dims)
        {
            shape.Dim.Add(long.TryParse(dim, out long value)
                ? new TensorShapeProto.Types.Dimension { DimValue = value }
                : new TensorShapeProto.Types.Dimension { DimParam = dim });
        }

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
        };
    }
}
