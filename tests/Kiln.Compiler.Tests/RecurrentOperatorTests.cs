using Google.Protobuf;
using Kiln.Compiler.Read.Onnx;
using Microsoft.CodeAnalysis;

namespace Kiln.Compiler.Tests;

/// <summary>
/// Compiles one-node RNN, GRU and LSTM models for the cases that the ONNX node tests do not cover (constant
/// sequence lengths, activation parameters, two directions), runs them, and compares the outputs with hand-worked
/// values. Unsupported attribute values must be reported by name.
/// </summary>
public sealed class RecurrentOperatorTests : IClassFixture<RecurrentOperatorTests.CompiledModels>
{
    private readonly CompiledModels _models;

    public RecurrentOperatorTests(CompiledModels models)
    {
        _models = models;
    }

    [Fact]
    public void ConstantSequenceLengthsZeroTheTail()
    {
        // H = x with W = 1, R = 0 and the identity Affine activation. Sequence 0 has 2 valid steps and sequence 1 all 3,
        // so Y[2, 0, 0] is 0. x[t, b] = 2t + b + 1.
        float[] y = _models.Run("rnn_lengths", [1, 2, 3, 4, 5, 6]);

        Assert.Equal([1f, 2f, 3f, 4f, 0f, 6f], y);
    }

    [Fact]
    public void AlphaGoesToFunctionThatTakesOne()
    {
        // Forward Tanh takes no alpha, so the single alpha 0.5 is the reverse direction's LeakyRelu slope.
        float[] y = _models.Run("rnn_bidirectional_alpha", [-2]);

        Assert.Equal(2, y.Length);
        Assert.Equal(MathF.Tanh(-2f), y[0], 6);
        Assert.Equal(-1f, y[1], 6);
    }

    [Fact]
    public void GruWithoutRecurrenceHandWorked()
    {
        // R = 0 and H₀ = 0: z = σ(x·1), h = tanh(x·2), H = (1 − z)·h, with x = 0.5.
        float[] y = _models.Run("gru_no_recurrence", [0.5f]);

        double z = 1 / (1 + Math.Exp(-0.5));
        Assert.Equal((1 - z) * Math.Tanh(1.0), y[0], 6);
    }

    [Fact]
    public void LstmCellStateOutputHandWorked()
    {
        // Y_c with R = 0 and C₀ = 0 is i·c = σ(x)·tanh(x), with x = 1 and all input weights 1.
        float[] y = _models.Run("lstm_cell", [1]);

        Assert.Equal(1 / (1 + Math.Exp(-1)) * Math.Tanh(1), y[0], 6);
    }

    [Fact]
    public void GeneratedCodeNamesAttributes()
    {
        string source = _models.Source("rnn_bidirectional_alpha");

        Assert.Contains("direction bidirectional, hidden_size 1, activations Tanh/LeakyRelu, layout 0", source);
        Assert.Contains("global::Kiln.Cpu.Recurrent.Rnn(", source);
    }

    [Theory]
    [InlineData("activation_unknown", "attribute 'activations' names 'Gelu', which Kiln does not support. Use one of Relu, Tanh")]
    [InlineData("activation_count", "attribute 'activations' lists 1 functions, but GRU with 1 direction(s) needs 2")]
    [InlineData("direction_unknown", "attribute 'direction' is 'sideways'")]
    [InlineData("layout_before_opset_14", "attribute 'layout' is 1, but RNN has this attribute only from opset 14")]
    [InlineData("hidden_size_mismatch", "attribute 'hidden_size' is 3, but R has shape 1×1×1")]
    [InlineData("clip_negative", "attribute 'clip' is -1f, but the cell clip threshold must be positive")]
    [InlineData("lengths_too_long", "sequence_lens contains 4, but each length must be from 1 to the sequence length 3")]
    public void InvalidNodeIsReported(string model, string message)
    {
        using var models = new TestModels();
        string path = models.Write($"{model}.onnx", InvalidModels()[model]);

        GeneratorRun run = GeneratorHarness.Run(CompiledModelSet.Declare([model]), path);

        Diagnostic diagnostic = Assert.Single(run.KilnDiagnostics);
        Assert.Equal("KLN0006", diagnostic.Id);
        Assert.Contains(message, diagnostic.GetMessage());
    }

    /// <summary>The one-node models that compile, by name. The generated class of each is named after it.</summary>
    private static Dictionary<string, ModelProto> ValidModels() => new()
    {
        ["rnn_lengths"] = OneNode(
            "RNN", [3, 2, 1], Weights(1, 1, 1), Weights(1, 1, 1, 0f), outputs: ["y"], outputShape: [3, 1, 2, 1],
            lengths: Int32s("lengths", [2], 2, 3),
            attributes: [Strings("activations", "Affine")]),
        ["rnn_bidirectional_alpha"] = OneNode(
            "RNN", [1, 1, 1], Weights(2, 1, 1), Weights(2, 1, 1, 0f), outputs: ["y"], outputShape: [1, 2, 1, 1],
            attributes: [TestModels.Text("direction", "bidirectional"), Strings("activations", "Tanh", "LeakyRelu"), TestModels.Floats("activation_alpha", 0.5f)]),
        ["gru_no_recurrence"] = OneNode(
            "GRU", [1, 1, 1], TestModels.RawFloats("w", [1, 3, 1], 1f, 0f, 2f), Weights(1, 3, 1, 0f), outputs: ["", "y_h"], outputShape: [1, 1, 1]),
        ["lstm_cell"] = OneNode(
            "LSTM", [1, 1, 1], Weights(1, 4, 1), Weights(1, 4, 1, 0f), outputs: ["", "", "y_c"], outputShape: [1, 1, 1]),
    };

    /// <summary>One-node models that the generator must reject with a message naming the problem.</summary>
    private static Dictionary<string, ModelProto> InvalidModels() => new()
    {
        ["activation_unknown"] = OneNode("RNN", [1, 1, 1], Weights(1, 1, 1), Weights(1, 1, 1), attributes: [Strings("activations", "Gelu")]),
        ["activation_count"] = OneNode("GRU", [1, 1, 1], Weights(1, 3, 1), Weights(1, 3, 1), attributes: [Strings("activations", "Sigmoid")]),
        ["direction_unknown"] = OneNode("RNN", [1, 1, 1], Weights(1, 1, 1), Weights(1, 1, 1), attributes: [TestModels.Text("direction", "sideways")]),
        ["layout_before_opset_14"] = OneNode("RNN", [1, 1, 1], Weights(1, 1, 1), Weights(1, 1, 1), attributes: [TestModels.Int("layout", 1)], opset: 13),
        ["hidden_size_mismatch"] = OneNode("RNN", [1, 1, 1], Weights(1, 1, 1), Weights(1, 1, 1), attributes: [TestModels.Int("hidden_size", 3)]),
        ["clip_negative"] = OneNode("LSTM", [1, 1, 1], Weights(1, 4, 1), Weights(1, 4, 1), attributes: [TestModels.Float("clip", -1f)]),
        ["lengths_too_long"] = OneNode("RNN", [3, 1, 1], Weights(1, 1, 1), Weights(1, 1, 1), lengths: Int32s("lengths", [1], 4)),
    };

    /// <summary>A weight tensor of ones (or of <paramref name="value"/>) with shape directions×rows×columns.</summary>
    private static TensorProto Weights(int directions, int rows, int columns, float value = 1f) =>
        TestModels.RawFloats($"w{rows}x{columns}_{value}", [directions, rows, columns], Enumerable.Repeat(value, directions * rows * columns).ToArray());

    private static TensorProto Int32s(string name, long[] dims, params int[] values)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int32 };
        tensor.Dims.AddRange(dims);
        tensor.Int32Data.AddRange(values);
        return tensor;
    }

    private static AttributeProto Strings(string name, params string[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Strings };
        attribute.Strings.AddRange(values.Select(ByteString.CopyFromUtf8));
        return attribute;
    }

    /// <summary>
    /// A model whose one recurrent node reads the graph input x, the weights W and R and optional sequence lengths,
    /// and whose graph output is the first named output.
    /// </summary>
    private static ModelProto OneNode(
        string opType, long[] inputShape, TensorProto w, TensorProto r, string[]? outputs = null, long[]? outputShape = null,
        TensorProto? lengths = null, AttributeProto[]? attributes = null, long opset = 17)
    {
        // The weights get fixed names, so W and R never share an initializer.
        w.Name = "W";
        r.Name = "R";
        outputs ??= ["y"];
        var graph = new GraphProto { Name = opType };
        graph.Input.Add(TestModels.Value("x", inputShape));
        graph.Output.Add(TestModels.Value(outputs.First(name => name.Length > 0), outputShape ?? [1, 1, 1, 1]));
        graph.Initializer.Add(w);
        graph.Initializer.Add(r);
        var inputs = new List<string> { "x", "W", "R" };
        if (lengths is not null)
        {
            graph.Initializer.Add(lengths);
            inputs.AddRange(["", lengths.Name]);
        }

        graph.Node.Add(TestModels.Node(opType.ToLowerInvariant(), opType, inputs.ToArray(), outputs, attributes ?? []));
        return TestModels.Model(graph, opset);
    }

    /// <summary>All valid models, compiled together once for the test class.</summary>
    public sealed class CompiledModels : IDisposable
    {
        private readonly CompiledModelSet _models = new(ValidModels());

        /// <summary>Runs the network compiled from <paramref name="model"/> on one observation.</summary>
        public float[] Run(string model, float[] input) => _models.Run(model, input);

        /// <summary>The generated source of the network compiled from <paramref name="model"/>.</summary>
        public string Source(string model) => _models.Source(model);

        public void Dispose() => _models.Dispose();
    }
}
