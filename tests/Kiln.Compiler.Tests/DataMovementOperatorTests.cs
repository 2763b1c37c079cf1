using System.Reflection;
using System.Text;
using Google.Protobuf;
using Kiln.Compiler.Read.Onnx;
using Microsoft.CodeAnalysis;

namespace Kiln.Compiler.Tests;

/// <summary>
/// Compiles one-node models of the data-movement operators, runs them, and compares the outputs with hand-worked values.
/// The models cover what the ONNX node tests do not: attributes before the opset that made them inputs, Pad's reflect
/// and edge modes on float data, and Upsample before opset 9.
/// </summary>
public sealed class DataMovementOperatorTests : IClassFixture<DataMovementOperatorTests.CompiledModels>
{
    private readonly CompiledModels _models;

    public DataMovementOperatorTests(CompiledModels models)
    {
        _models = models;
    }

    [Fact]
    public void SqueezeAxesAttributeBeforeOpset13()
    {
        float[] y = _models.Run("squeeze_opset11", [1, 2, 3]);

        Assert.Equal([1f, 2f, 3f], y);
    }

    [Fact]
    public void UnsqueezeNegativeAxisAttribute()
    {
        float[] y = _models.Run("unsqueeze_opset11", [1, 2, 3]);

        Assert.Equal([1f, 2f, 3f], y);
    }

    [Fact]
    public void SliceAttributesBeforeOpset10()
    {
        // Columns 1 … 999 of [[1, 2, 3], [4, 5, 6]], where the end clamps to 3.
        float[] y = _models.Run("slice_opset9", [1, 2, 3, 4, 5, 6]);

        Assert.Equal([2f, 3f, 5f, 6f], y);
    }

    [Fact]
    public void TransposeDefaultReversesAxes()
    {
        float[] y = _models.Run("transpose_default", [1, 2, 3, 4, 5, 6]);

        Assert.Equal([1f, 4f, 2f, 5f, 3f, 6f], y);
    }

    [Fact]
    public void PadReflectAttributesOpset2()
    {
        // [1, 2, 3] with 2 before and 1 after, mirrored without repeating the border element.
        float[] y = _models.Run("pad_reflect_opset2", [1, 2, 3]);

        Assert.Equal([3f, 2f, 1f, 2f, 3f, 2f], y);
    }

    [Fact]
    public void PadConstantValueAttribute()
    {
        // One row of 7 above [[1, 2]].
        float[] y = _models.Run("pad_value_opset2", [1, 2]);

        Assert.Equal([7f, 7f, 1f, 2f], y);
    }

    [Fact]
    public void PadEdgePadsInput()
    {
        float[] y = _models.Run("pad_edge_opset11", [1, 2, 3]);

        Assert.Equal([1f, 1f, 2f, 3f, 3f, 3f], y);
    }

    [Fact]
    public void UpsampleLinearScalesAttribute()
    {
        // Scale 2 with asymmetric coordinates reads inputs 0, 0.5, 1 and 1.5; the last clamps to the border.
        float[] y = _models.Run("upsample_linear_opset7", [1, 3]);

        Assert.Equal([1f, 2f, 3f, 3f], y);
    }

    [Theory]
    [InlineData("squeeze_axis_not_one", "has size 3, but Squeeze removes only axes of size 1")]
    [InlineData("slice_zero_step", "step 0 on axis 0 is invalid")]
    [InlineData("pad_wrong_length", "pads has 2 values, but an input of rank 2 needs 4")]
    [InlineData("transpose_not_permutation", "is not a permutation of the 2 input axes")]
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
        ["squeeze_opset11"] = OneNode("Squeeze", [1, 3], [3], opset: 11, attributes: [TestModels.Ints("axes", 0)]),
        ["unsqueeze_opset11"] = OneNode("Unsqueeze", [3], [1, 3, 1], opset: 11, attributes: [TestModels.Ints("axes", 0, -1)]),
        ["slice_opset9"] = OneNode("Slice", [2, 3], [2, 2], opset: 9,
            attributes: [TestModels.Ints("starts", 1), TestModels.Ints("ends", 999), TestModels.Ints("axes", 1)]),
        ["transpose_default"] = OneNode("Transpose", [2, 3], [3, 2]),
        ["pad_reflect_opset2"] = OneNode("Pad", [1, 3], [1, 6], opset: 2, attributes: [TestModels.Ints("pads", 0, 2, 0, 1), TestModels.Text("mode", "reflect")]),
        ["pad_value_opset2"] = OneNode("Pad", [1, 2], [2, 2], opset: 2, attributes: [TestModels.Ints("pads", 1, 0, 0, 0), TestModels.Float("value", 7)]),
        ["pad_edge_opset11"] = OneNode("Pad", [1, 3], [1, 6], opset: 11,
            inputs: [TestModels.Int64s("pads", [4], 0, 1, 0, 2)], attributes: [TestModels.Text("mode", "edge")]),
        ["upsample_linear_opset7"] = OneNode("Upsample", [1, 2], [1, 4], opset: 7, attributes: [TestModels.Floats("scales", 1, 2), TestModels.Text("mode", "linear")]),
    };

    /// <summary>One-node models that the generator must reject with a message naming the problem.</summary>
    private static Dictionary<string, ModelProto> InvalidModels() => new()
    {
        ["squeeze_axis_not_one"] = OneNode("Squeeze", [1, 3], [1], opset: 11, attributes: [TestModels.Ints("axes", 1)]),
        ["slice_zero_step"] = OneNode("Slice", [2, 3], [2, 3], opset: 13, inputs:
            [TestModels.Int64s("starts", [1], 0), TestModels.Int64s("ends", [1], 2), TestModels.Int64s("axes", [1], 0), TestModels.Int64s("steps", [1], 0)]),
        ["pad_wrong_length"] = OneNode("Pad", [2, 2], [2, 2], opset: 11, inputs: [TestModels.Int64s("pads", [2], 1, 1)]),
        ["transpose_not_permutation"] = OneNode("Transpose", [2, 3], [3, 2], attributes: [TestModels.Ints("perm", 0, 0)]),
    };

    /// <summary>A model whose one node reads the graph input x (shape <paramref name="inputShape"/>) and then the given initializers.</summary>
    private static ModelProto OneNode(
        string opType, long[] inputShape, long[] outputShape, long opset = 17,
        TensorProto[]? inputs = null, AttributeProto[]? attributes = null)
    {
        var graph = new GraphProto { Name = opType };
        graph.Input.Add(TestModels.Value("x", inputShape));
        graph.Output.Add(TestModels.Value("y", outputShape));
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
