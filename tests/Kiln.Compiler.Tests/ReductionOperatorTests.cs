using System.Reflection;
using System.Text;
using Kiln.Compiler.Read.Onnx;
using Microsoft.CodeAnalysis;

namespace Kiln.Compiler.Tests;

/// <summary>
/// Compiles one-node models of the reduction and normalization operators for the cases that the ONNX node tests
/// do not cover (ReduceSum before opset 13, noop_with_empty_axes, GlobalLpPool, LpPool, LayerNormalization without B),
/// runs them, and compares the outputs with hand-worked values.
/// </summary>
public sealed class ReductionOperatorTests : IClassFixture<ReductionOperatorTests.CompiledModels>
{
    // A 2×3 input: rows [1, 2, 3] and [4, 5, 6].
    private static readonly float[] Matrix = [1, 2, 3, 4, 5, 6];

    private readonly CompiledModels _models;

    public ReductionOperatorTests(CompiledModels models)
    {
        _models = models;
    }

    [Fact]
    public void ReduceSumAxesAttributeBeforeOpset13()
    {
        float[] y = _models.Run("reduce_sum_opset11", Matrix);

        Assert.Equal([6f, 15f], y);
    }

    [Fact]
    public void ReduceSumAxesInputFromOpset13()
    {
        float[] y = _models.Run("reduce_sum_axes_input", Matrix);

        Assert.Equal([5f, 7f, 9f], y);
    }

    [Fact]
    public void ReduceSumEmptyAxesNoopCopies()
    {
        float[] y = _models.Run("reduce_sum_noop", Matrix);

        Assert.Equal(Matrix, y);
    }

    [Fact]
    public void ReduceMaxDefaultAxesReducesAll()
    {
        float[] y = _models.Run("reduce_max_all", Matrix);

        Assert.Equal([6f], y);
    }

    [Fact]
    public void GlobalLpPoolThirdOrder()
    {
        // Channel 0 is [3, −4] and channel 1 is [1, 2]: (27 + 64)^(1/3) and (1 + 8)^(1/3).
        float[] y = _models.Run("global_lp_pool_p3", [3, -4, 1, 2]);

        Assert.Equal(2, y.Length);
        Assert.Equal(Math.Cbrt(91), y[0], 5);
        Assert.Equal(Math.Cbrt(9), y[1], 5);
    }

    [Fact]
    public void LpPoolDefaultSecondOrder()
    {
        // 2×2 windows over [[3, −4, 0], [0, 0, 12]]: sqrt(9 + 16) and sqrt(16 + 144).
        float[] y = _models.Run("lp_pool_2d", [3, -4, 0, 0, 0, 12]);

        Assert.Equal([5f, MathF.Sqrt(160)], y);
    }

    [Fact]
    public void LayerNormalizationWithoutBias()
    {
        // Rows [1, 3] and [2, 6] both normalize to [−1, 1] with epsilon 0, then the scale [1, 2] applies.
        float[] y = _models.Run("layer_norm_no_bias", [1, 3, 2, 6]);

        Assert.Equal([-1f, 2f, -1f, 2f], y);
    }

    [Theory]
    [InlineData("reduce_repeated_axis", "is listed twice")]
    [InlineData("reduce_axis_out_of_range", "axis 2 is outside the input's rank 2")]
    [InlineData("layer_norm_broadcast_scale", "does not broadcast it")]
    public void InvalidNodeIsReported(string model, string message)
    {
        using var models = new TestModels();
        string path = models.Write($"{model}.onnx", InvalidModels()[model]);

        GeneratorRun run = GeneratorHarness.Run(CompiledModelSet.Declare([model]), path);

        Diagnostic diagnostic = Assert.Single(run.KilnDiagnostics);
        Assert.Equal("KLN0006", diagnostic.Id);
        Assert.Contains(message, diagnostic.GetMessage());
    }

    /// <summary>The one-node models that compile, by name; the generated class of each is named after it.</summary>
    private static Dictionary<string, ModelProto> ValidModels() => new()
    {
        ["reduce_sum_opset11"] = OneNode("ReduceSum", [2, 3], [2], opset: 11, attributes: [TestModels.Ints("axes", 1), TestModels.Int("keepdims", 0)]),
        ["reduce_sum_axes_input"] = OneNode("ReduceSum", [2, 3], [1, 3], opset: 13, inputs: [TestModels.Int64s("axes", [1], -2)]),
        ["reduce_sum_noop"] = OneNode("ReduceSum", [2, 3], opset: 13, inputs: [TestModels.Int64s("axes", [0])], attributes: [TestModels.Int("noop_with_empty_axes", 1)]),
        ["reduce_max_all"] = OneNode("ReduceMax", [2, 3], [1, 1]),
        ["global_lp_pool_p3"] = OneNode("GlobalLpPool", [1, 2, 2], [1, 2, 1], attributes: [TestModels.Int("p", 3)]),
        ["lp_pool_2d"] = OneNode("LpPool", [1, 1, 2, 3], [1, 1, 1, 2], attributes: [TestModels.Ints("kernel_shape", 2, 2)]),
        ["layer_norm_no_bias"] = OneNode("LayerNormalization", [2, 2], inputs: [TestModels.RawFloats("scale", [2], 1, 2)], attributes: [TestModels.Float("epsilon", 0f)]),
    };

    /// <summary>One-node models that the generator must reject with a message naming the problem.</summary>
    private static Dictionary<string, ModelProto> InvalidModels() => new()
    {
        ["reduce_repeated_axis"] = OneNode("ReduceMean", [2, 3], [1, 1], attributes: [TestModels.Ints("axes", 0, -2)]),
        ["reduce_axis_out_of_range"] = OneNode("ReduceMean", [2, 3], [2, 3], attributes: [TestModels.Ints("axes", 2)]),
        ["layer_norm_broadcast_scale"] = OneNode("LayerNormalization", [2, 2], inputs: [TestModels.RawFloats("scale", [1], 1)]),
    };

    /// <summary>A model whose one node reads the graph input x (shape <paramref name="inputShape"/>) and then the given initializers.</summary>
    private static ModelProto OneNode(
        string opType, long[] inputShape, long[]? outputShape = null, long opset = 17,
        TensorProto[]? inputs = null, AttributeProto[]? attributes = null)
    {
        var graph = new GraphProto { Name = opType };
        graph.Input.Add(TestModels.Value("x", inputShape));
        graph.Output.Add(TestModels.Value("y", outputShape ?? inputShape));
        var names = new List<string> { "x" };
        foreach (TensorProto initializer in inputs ?? [])
        {
            names.Add(initializer.Name);
            graph.Initializer.Add(initializer);
        }

        graph.Node.Add(TestModels.Node(opType.ToLowerInvariant(), opType, names.ToArray(), ["y"], attributes ?? []));
        return TestModels.Model(graph, opset);
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
