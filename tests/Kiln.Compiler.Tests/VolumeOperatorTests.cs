using Kiln.Compiler.Read.Onnx;
using Microsoft.CodeAnalysis;

namespace Kiln.Compiler.Tests;

/// <summary>
/// Compiles one-node models for 3-D Conv, ConvTranspose and pooling, MaxPool's Indices output and training-mode
/// BatchNormalization, runs them, and compares the outputs with hand-worked values.
/// </summary>
public sealed class VolumeOperatorTests : IClassFixture<VolumeOperatorTests.CompiledModels>
{
    private readonly CompiledModels _models;

    public VolumeOperatorTests(CompiledModels models)
    {
        _models = models;
    }

    [Fact]
    public void ConvWeighsDepthAndWidthTaps()
    {
        // Input 2×2×2 contains 1..8 as x[d, h, w], and the 2×1×2 filter [[1, 2], [3, 4]] is indexed [kd, kw].
        // y[h] = 1·x[0, h, 0] + 2·x[0, h, 1] + 3·x[1, h, 0] + 4·x[1, h, 1] + 0.5.
        float[] y = _models.Run("conv_3d_bias", [1, 2, 3, 4, 5, 6, 7, 8]);

        Assert.Equal([44.5f, 64.5f], y);
    }

    [Fact]
    public void ConvPadsAndStridesThreeAxes()
    {
        // Input x[d, h, w] = 9d + 3h + w. A 3×3×3 filter of ones with padding 1 and stride 2 keeps positions {0, 1}
        // for output index 0 and {1, 2} for index 1 on each axis, so y[a, b, c] = 36·S(a) + 12·S(b) + 4·S(c) with S = [1, 3].
        float[] y = _models.Run("conv_3d_pads_strides", Enumerable.Range(0, 27).Select(i => (float)i).ToArray());

        Assert.Equal([52f, 60f, 76f, 84f, 124f, 132f, 148f, 156f], y);
    }

    [Fact]
    public void ConvTransposeSpreadsDepthPerGroup()
    {
        // Group 0 scales channel 0's planes [1, 2] by 2 into output planes 0 and 2 (depth stride 2) and adds 0.5.
        // Group 1 scales channel 1's planes [3, 4] by −1. Plane 1 of each channel contains only the bias.
        float[] y = _models.Run("convtranspose_3d_groups", [1, 2, 3, 4]);

        Assert.Equal([2.5f, 0.5f, 4.5f, -3f, 0f, -4f], y);
    }

    [Fact]
    public void AveragePoolCountsDepthPadding()
    {
        // Windows of 2 planes over [2, 4] with one padding plane at each end contain {pad, 2}, {2, 4} and {4, pad}.
        float[] including = _models.Run("averagepool_3d_count_include_pad", [2, 4]);
        float[] excluding = _models.Run("averagepool_3d_pads", [2, 4]);

        Assert.Equal([1f, 3f, 2f], including);
        Assert.Equal([2f, 3f, 4f], excluding);
    }

    [Fact]
    public void MaxPoolIndicesColumnMajor()
    {
        // Channel 0 has its maximum 9 at (d, h, w) = (0, 0, 1) and channel 1 its maximum 8 at (1, 0, 0). Column-major
        // positions are d + (h + w·2)·2 = 4 and 1, and channel 1 adds its plane offset 8.
        float[] x = [1, 9, 2, 3, 4, 5, 6, 7, 1, 1, 1, 1, 8, 1, 1, 1];

        float[] values = _models.Run("maxpool_3d_indices", x, "y");
        float[] indices = _models.Run("maxpool_3d_indices", x, "z");

        Assert.Equal([9f, 8f], values);
        Assert.Equal([4f, 9f], indices);
    }

    [Fact]
    public void MaxPoolIndicesOneDimensional()
    {
        // Windows of 2 at stride 2 over [5, 1, 2, 7, 3] have maxima 5 and 7 at positions 0 and 3, and ceil mode adds the window {3} at 4.
        float[] indices = _models.Run("maxpool_1d_indices", [5, 1, 2, 7, 3], "z");

        Assert.Equal([0f, 3f, 4f], indices);
    }

    [Fact]
    public void BatchNormalizationTrainingUsesBatchStatistics()
    {
        // Two images of one channel: [1, 3] and [5, 7], mean 4 and population variance 5. Epsilon 4 makes the
        // divisor 3, so scale 3 and bias 1 give x − 3. The running statistics mix 10 and 1 with 4 and 5 at momentum 0.9.
        float[] x = [1, 3, 5, 7];

        float[] y = _models.Run("batchnorm_training", x, "y");
        float[] runningMean = _models.Run("batchnorm_training", x, "running_mean");
        float[] runningVariance = _models.Run("batchnorm_training", x, "running_var");

        Assert.Equal([-2f, 0f, 2f, 4f], y);
        Assert.Equal(9.4f, Assert.Single(runningMean), 5);
        Assert.Equal(1.4f, Assert.Single(runningVariance), 5);
    }

    [Theory]
    [InlineData("conv_4d", "the input has shape 1×1×2×2×2×2, but Kiln compiles 1-D, 2-D and 3-D convolutions")]
    [InlineData("maxpool_4d", "the input has shape 1×1×2×2×2×2, but Kiln compiles 1-D, 2-D and 3-D pooling")]
    [InlineData("maxpool_storage_order_2", "storage_order 2 is invalid")]
    [InlineData("batchnorm_inference_running_mean", "ONNX defines those outputs only with training_mode = 1")]
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
        ["conv_3d_bias"] = OneNode(
            "Conv", [1, 1, 2, 2, 2], ["y"], [[1, 1, 1, 2, 1]],
            [TestModels.RawFloats("w", [1, 1, 2, 1, 2], 1, 2, 3, 4), TestModels.RawFloats("b", [1], 0.5f)]),
        ["conv_3d_pads_strides"] = OneNode(
            "Conv", [1, 1, 3, 3, 3], ["y"], [[1, 1, 2, 2, 2]],
            [TestModels.RawFloats("w", [1, 1, 3, 3, 3], Enumerable.Repeat(1f, 27).ToArray())],
            [TestModels.Ints("pads", 1, 1, 1, 1, 1, 1), TestModels.Ints("strides", 2, 2, 2)]),
        ["convtranspose_3d_groups"] = OneNode(
            "ConvTranspose", [1, 2, 2, 1, 1], ["y"], [[1, 2, 3, 1, 1]],
            [TestModels.RawFloats("w", [2, 1, 1, 1, 1], 2, -1), TestModels.RawFloats("b", [2], 0.5f, 0)],
            [TestModels.Int("group", 2), TestModels.Ints("strides", 2, 1, 1)]),
        ["averagepool_3d_count_include_pad"] = OneNode(
            "AveragePool", [1, 1, 2, 1, 1], ["y"], [[1, 1, 3, 1, 1]], [],
            [TestModels.Ints("kernel_shape", 2, 1, 1), TestModels.Ints("pads", 1, 0, 0, 1, 0, 0), TestModels.Int("count_include_pad", 1)]),
        ["averagepool_3d_pads"] = OneNode(
            "AveragePool", [1, 1, 2, 1, 1], ["y"], [[1, 1, 3, 1, 1]], [],
            [TestModels.Ints("kernel_shape", 2, 1, 1), TestModels.Ints("pads", 1, 0, 0, 1, 0, 0)]),
        ["maxpool_3d_indices"] = OneNode(
            "MaxPool", [1, 2, 2, 2, 2], ["y", "z"], [[1, 2, 1, 1, 1], [1, 2, 1, 1, 1]], [],
            [TestModels.Ints("kernel_shape", 2, 2, 2), TestModels.Int("storage_order", 1)]),
        ["maxpool_1d_indices"] = OneNode(
            "MaxPool", [1, 1, 5], ["y", "z"], [[1, 1, 3], [1, 1, 3]], [],
            [TestModels.Ints("kernel_shape", 2), TestModels.Ints("strides", 2), TestModels.Int("ceil_mode", 1)]),
        ["batchnorm_training"] = OneNode(
            "BatchNormalization", [2, 1, 2], ["y", "running_mean", "running_var"], [[2, 1, 2], [1], [1]],
            [TestModels.RawFloats("scale", [1], 3), TestModels.RawFloats("bias", [1], 1), TestModels.RawFloats("mean", [1], 10), TestModels.RawFloats("var", [1], 1)],
            [TestModels.Float("epsilon", 4), TestModels.Int("training_mode", 1)],
            opset: 15),
    };

    /// <summary>One-node models that the generator must reject with a message naming the problem.</summary>
    private static Dictionary<string, ModelProto> InvalidModels() => new()
    {
        ["conv_4d"] = OneNode(
            "Conv", [1, 1, 2, 2, 2, 2], ["y"], [[1, 1, 2, 2, 2, 2]], [TestModels.RawFloats("w", [1, 1, 1, 1, 1, 1], 1)]),
        ["maxpool_4d"] = OneNode(
            "MaxPool", [1, 1, 2, 2, 2, 2], ["y"], [[1, 1, 1, 1, 1, 1]], [], [TestModels.Ints("kernel_shape", 2, 2, 2, 2)]),
        ["maxpool_storage_order_2"] = OneNode(
            "MaxPool", [1, 1, 2, 2], ["y", "z"], [[1, 1, 1, 1], [1, 1, 1, 1]], [],
            [TestModels.Ints("kernel_shape", 2, 2), TestModels.Int("storage_order", 2)]),
        ["batchnorm_inference_running_mean"] = OneNode(
            "BatchNormalization", [2, 1, 2], ["y", "running_mean"], [[2, 1, 2], [1]],
            [TestModels.RawFloats("scale", [1], 1), TestModels.RawFloats("bias", [1], 0), TestModels.RawFloats("mean", [1], 0), TestModels.RawFloats("var", [1], 1)],
            opset: 15),
    };

    /// <summary>
    /// A model whose one node reads the graph input x and then the initializers in order, and whose outputs are all
    /// graph outputs.
    /// </summary>
    private static ModelProto OneNode(
        string opType, long[] inputShape, string[] outputs, long[][] outputShapes, TensorProto[] initializers,
        AttributeProto[]? attributes = null, long opset = 17)
    {
        var graph = new GraphProto { Name = opType };
        graph.Input.Add(TestModels.Value("x", inputShape));
        for (int i = 0; i < outputs.Length; i++)
        {
            graph.Output.Add(TestModels.Value(outputs[i], outputShapes[i]));
        }

        graph.Initializer.AddRange(initializers);
        string[] inputs = new[] { "x" }.Concat(initializers.Select(initializer => initializer.Name)).ToArray();
        graph.Node.Add(TestModels.Node("node", opType, inputs, outputs, attributes ?? []));
        return TestModels.Model(graph, opset);
    }

    /// <summary>All valid models, compiled together once for the test class.</summary>
    public sealed class CompiledModels : IDisposable
    {
        private readonly CompiledModelSet _models = new(ValidModels());

        /// <summary>Runs the network compiled from <paramref name="model"/> on one observation and returns its target layer.</summary>
        public float[] Run(string model, float[] input) => _models.Run(model, input);

        /// <summary>Runs the network compiled from <paramref name="model"/> on one observation and returns the tensor <paramref name="layerName"/>.</summary>
        public float[] Run(string model, float[] input, string layerName) => _models.Run(model, input, layerName);

        public void Dispose() => _models.Dispose();
    }
}
