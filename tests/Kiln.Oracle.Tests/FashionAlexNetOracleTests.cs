using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace Kiln.Oracle.Tests;

/// <summary>The compiled fashion-alexnet compared with ONNX Runtime on the first 100 Fashion-MNIST test images.</summary>
public sealed class FashionAlexNetOracleTests : IClassFixture<FashionAlexNetFixture>
{
    private readonly FashionAlexNetFixture _fixture;
    private readonly ITestOutputHelper _output;

    public FashionAlexNetOracleTests(FashionAlexNetFixture fixture, ITestOutputHelper output)
    {
        _fixture = fixture;
        _output = output;
    }

    [Fact]
    public void Prob_MatchesOnnxRuntime()
    {
        using var network = new FashionAlexNet();
        Activations probabilities = network.Activations(_fixture.Images.Input);
        ReferenceTensor reference = _fixture.Reference["prob"];

        Deviation deviation = Deviation.Measure(probabilities.Values, reference.Values);
        _output.WriteLine($"prob, {FashionAlexNetFixture.ImageCount} images: {deviation}");

        Assert.Equal(reference.Shape, probabilities.Shape.Select(dimension => (long)dimension));
        Assert.True(deviation.IsWithinTolerance, $"prob differs from ONNX Runtime: {deviation}.");
    }

    [Fact]
    public void Predictions_MatchOnnxRuntime()
    {
        using var network = new FashionAlexNet();
        int[] predicted = Classification.PredictClasses(network.Activations(_fixture.Images.Input, OutputAs.Rows).ToRows());
        int[] expected = Classification.PredictClasses(Classification.ToRows(_fixture.Reference["prob"]));

        int[] disagreements = Enumerable.Range(0, predicted.Length).Where(image => predicted[image] != expected[image]).ToArray();
        Assert.True(disagreements.Length == 0, $"Kiln and ONNX Runtime predict different classes for images {string.Join(", ", disagreements)}.");
    }

    [Fact]
    public void Accuracy_MatchesOnnxRuntime()
    {
        using var network = new FashionAlexNet();
        double accuracy = Classification.Accuracy(Classification.PredictClasses(network.Activations(_fixture.Images.Input, OutputAs.Rows).ToRows()), _fixture.Images.Labels);
        double referenceAccuracy = Classification.Accuracy(Classification.PredictClasses(Classification.ToRows(_fixture.Reference["prob"])), _fixture.Images.Labels);
        _output.WriteLine($"accuracy on the first {FashionAlexNetFixture.ImageCount} test images: Kiln {accuracy:F2}, ONNX Runtime {referenceAccuracy:F2}");

        // The model's accuracy on all 10,000 test images is 0.8749 (PyTorch and ONNX Runtime 1.32), so a much lower reference means the images were prepared wrongly.
        Assert.True(referenceAccuracy >= 0.75, $"ONNX Runtime classifies only {referenceAccuracy:P0} of the images correctly; the test input is prepared wrongly.");
        Assert.Equal(referenceAccuracy, accuracy);
    }

    [Theory]
    [InlineData("data", "Input", "1×3×32×32")]
    [InlineData("conv1", "Conv", "1×48×32×32")]
    [InlineData("norm1", "LRN", "1×48×32×32")]
    [InlineData("pool1", "MaxPool", "1×48×15×15")]
    [InlineData("conv2", "Conv", "1×96×15×15")]
    [InlineData("pool5", "MaxPool", "1×96×3×3")]
    [InlineData("flatten", "Flatten", "1×864")]
    [InlineData("fc6", "Gemm", "1×256")]
    [InlineData("drop6", "Dropout", "1×256")]
    [InlineData("prob", "Softmax", "1×10")]
    public void Describe_ListsLayer(string name, string operatorName, string shape)
    {
        string table = FashionAlexNet.Describe();

        string row = $@"^\s*\d+\s+{Regex.Escape(name)}\s+{Regex.Escape(operatorName)}\s+{Regex.Escape(shape)}\s+[\d,]+\s*$";
        Assert.Matches(new Regex(row, RegexOptions.Multiline), table);
    }

    [Theory]
    [InlineData("conv1")]
    [InlineData("norm1")]
    [InlineData("pool2")]
    [InlineData("conv4")]
    [InlineData("flatten")]
    [InlineData("relu6")]
    [InlineData("drop6")]
    [InlineData("fc7")]
    public void LayerByName_MatchesOnnxRuntime(string layerName)
    {
        using var network = new FashionAlexNet();
        Activations activations = network.Activations(_fixture.Images.Input, layerName);
        ReferenceTensor reference = _fixture.Reference[network.ResolveLayer(layerName).OutputName];

        Deviation deviation = Deviation.Measure(activations.Values, reference.Values);
        _output.WriteLine($"{layerName}, {FashionAlexNetFixture.ImageCount} images: {deviation}");

        Assert.Equal(reference.Shape, activations.Shape.Select(dimension => (long)dimension));
        Assert.True(deviation.IsWithinTolerance, $"{layerName} differs from ONNX Runtime: {deviation}.");
    }
}
