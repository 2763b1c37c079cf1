using System.Reflection;
using System.Text;
using Kiln.Compiler.Read.Onnx;
using Microsoft.CodeAnalysis;

namespace Kiln.Compiler.Tests;

/// <summary>
/// Compiles one-node ConvTranspose models for the cases that the ONNX node tests do not cover (SAME_LOWER, VALID,
/// bias, groups, output_shape listing N and C, output_padding on a 1-D input), runs them, and compares the outputs
/// with hand-worked values.
/// </summary>
public sealed class TransposedConvolutionOperatorTests : IClassFixture<TransposedConvolutionOperatorTests.CompiledModels>
{
    private readonly CompiledModels _models;

    public TransposedConvolutionOperatorTests(CompiledModels models)
    {
        _models = models;
    }

    [Fact]
    public void SameUpperDropsLastOutput()
    {
        // The full result of [0, 1, 2] at stride 2 with the filter [1, 1, 1] is [0, 0, 1, 1, 3, 2, 2].
        // SAME_UPPER keeps 3·2 = 6 outputs and puts the odd padding at the end.
        float[] y = _models.Run("same_upper_1d", [0, 1, 2]);

        Assert.Equal([0f, 0f, 1f, 1f, 3f, 2f], y);
    }

    [Fact]
    public void SameLowerDropsFirstOutput()
    {
        float[] y = _models.Run("same_lower_1d", [0, 1, 2]);

        Assert.Equal([0f, 1f, 1f, 3f, 2f, 2f], y);
    }

    [Fact]
    public void ValidKeepsFullResultWithBias()
    {
        // [1, 2, 3] with the filter [1, 1, 1] is [1, 3, 6, 5, 3], and the bias adds 0.5.
        float[] y = _models.Run("valid_bias_1d", [1, 2, 3]);

        Assert.Equal([1.5f, 3.5f, 6.5f, 5.5f, 3.5f], y);
    }

    [Fact]
    public void PadsCropBothEnds()
    {
        float[] y = _models.Run("pads_1d", [1, 2, 3]);

        Assert.Equal([3f, 6f, 5f], y);
    }

    [Fact]
    public void OutputPaddingAddsTrailingZero()
    {
        // [1, 2] at stride 2 with the filter [1] is [1, 0, 2], and output_padding 1 appends one output.
        float[] y = _models.Run("output_padding_1d", [1, 2]);

        Assert.Equal([1f, 0f, 2f, 0f], y);
    }

    [Fact]
    public void OutputShapeWithBatchAndChannels()
    {
        // output_shape 1×1×5 requests two outputs more than the full result [1, 0, 2]. The total padding −2 splits
        // into −1 at each end.
        float[] y = _models.Run("output_shape_1d", [1, 2]);

        Assert.Equal([0f, 1f, 0f, 2f, 0f], y);
    }

    [Fact]
    public void GroupsKeepChannelsApart()
    {
        // Group 0 scales channel 0 ([1, 2]) by 2 and group 1 scales channel 1 ([3, 4]) by −1.
        float[] y = _models.Run("groups_2d", [1, 2, 3, 4]);

        Assert.Equal([2f, 4f, -3f, -4f], y);
    }

    [Theory]
    [InlineData("convtranspose_4d", "the input has shape 1×1×2×2×2×2, but Kiln compiles 1-D, 2-D and 3-D transposed convolutions")]
    [InlineData("negative_pads", "pads -1,0 must not be negative")]
    [InlineData("pads_remove_everything", "the output would have -1 elements along spatial axis 0")]
    [InlineData("output_shape_wrong_rank", "output_shape 4×4 must list 1 positive spatial sizes")]
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
        ["same_upper_1d"] = OneNode([1, 1, 3], [1, 1, 6], Ones(3), attributes: [TestModels.Text("auto_pad", "SAME_UPPER"), TestModels.Ints("strides", 2)]),
        ["same_lower_1d"] = OneNode([1, 1, 3], [1, 1, 6], Ones(3), attributes: [TestModels.Text("auto_pad", "SAME_LOWER"), TestModels.Ints("strides", 2)]),
        ["valid_bias_1d"] = OneNode([1, 1, 3], [1, 1, 5], Ones(3), TestModels.RawFloats("b", [1], 0.5f), [TestModels.Text("auto_pad", "VALID")]),
        ["pads_1d"] = OneNode([1, 1, 3], [1, 1, 3], Ones(3), attributes: [TestModels.Ints("pads", 1, 1)]),
        ["output_padding_1d"] = OneNode([1, 1, 2], [1, 1, 4], Ones(1), attributes: [TestModels.Ints("strides", 2), TestModels.Ints("output_padding", 1)]),
        ["output_shape_1d"] = OneNode([1, 1, 2], [1, 1, 5], Ones(1), attributes: [TestModels.Ints("strides", 2), TestModels.Ints("output_shape", 1, 1, 5)]),
        ["groups_2d"] = OneNode([1, 2, 1, 2], [1, 2, 1, 2], TestModels.RawFloats("w", [2, 1, 1, 1], 2, -1), attributes: [TestModels.Int("group", 2)]),
    };

    /// <summary>One-node models that the generator must reject with a message naming the problem.</summary>
    private static Dictionary<string, ModelProto> InvalidModels() => new()
    {
        ["convtranspose_4d"] = OneNode([1, 1, 2, 2, 2, 2], [1, 1, 2, 2, 2, 2], TestModels.RawFloats("w", [1, 1, 1, 1, 1, 1], 1)),
        ["negative_pads"] = OneNode([1, 1, 3], [1, 1, 6], Ones(3), attributes: [TestModels.Ints("pads", -1, 0)]),
        ["pads_remove_everything"] = OneNode([1, 1, 1], [1, 1, 1], Ones(1), attributes: [TestModels.Ints("pads", 1, 1)]),
        ["output_shape_wrong_rank"] = OneNode([1, 1, 2], [1, 1, 4], Ones(1), attributes: [TestModels.Ints("output_shape", 4, 4)]),
    };

    /// <summary>A 1×1×<paramref name="width"/> filter of ones, named w.</summary>
    private static TensorProto Ones(int width) =>
        TestModels.RawFloats("w", [1, 1, width], Enumerable.Repeat(1f, width).ToArray());

    /// <summary>A model whose one ConvTranspose node reads the graph input x, the weights and an optional bias.</summary>
    private static ModelProto OneNode(
        long[] inputShape, long[] outputShape, TensorProto weights, TensorProto? bias = null, AttributeProto[]? attributes = null)
    {
        var graph = new GraphProto { Name = "ConvTranspose" };
        graph.Input.Add(TestModels.Value("x", inputShape));
        graph.Output.Add(TestModels.Value("y", outputShape));
        var names = new List<string> { "x", weights.Name };
        graph.Initializer.Add(weights);
        if (bias is not null)
        {
            names.Add(bias.Name);
            graph.Initializer.Add(bias);
        }

        graph.Node.Add(TestModels.Node("convtranspose", "ConvTranspose", names.ToArray(), ["y"], attributes ?? []));
        return TestModels.Model(graph, 17);
    }

    /// <summary>All valid models, compiled together once for the test class.</summary>
    public sealed class CompiledModels : IDisposable
    {
        private readonly CompiledModelSet _models = new(ValidModels());

        /// <summary>Runs the network compiled from <paramref name="model"/> on one observation.</summary>
        public float[] Run(string model, float[] input) => _models.Run(model, input);

        public void Dispose() => _models.Dispose();
    }
}
