using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace Kiln.Oracle.Tests;

/// <summary>
/// The compiled fashion-lstm compared with ONNX Runtime on the first 100 Fashion-MNIST test images. Kiln compiles one
/// observation, a 28×1×28 sequence, so its input is the images one after another. ONNX Runtime gets them as one
/// 28×100×28 batch.
/// </summary>
public sealed class FashionLstmOracleTests : IClassFixture<FashionLstmFixture>
{
    /// <summary>The model's accuracy on all 10,000 test images, as PyTorch and ONNX Runtime 1.32 computed it.</summary>
    private const double PublishedAccuracy = 0.8428;

    private const int HiddenSize = 64;

    private readonly FashionLstmFixture _fixture;
    private readonly ITestOutputHelper _output;

    public FashionLstmOracleTests(FashionLstmFixture fixture, ITestOutputHelper output)
    {
        _fixture = fixture;
        _output = output;
    }

    [Fact]
    public void Prob_MatchesOnnxRuntime()
    {
        using var network = new FashionLstm();
        Activations probabilities = network.Activations(_fixture.Images.Pixels);
        ReferenceTensor reference = _fixture.Reference["prob"];

        Deviation deviation = Deviation.Measure(probabilities.Values, reference.Values);
        _output.WriteLine($"prob, {FashionLstmFixture.ImageCount} images: {deviation}");

        Assert.Equal(reference.Shape, probabilities.Shape.Select(dimension => (long)dimension));
        Assert.True(deviation.IsWithinTolerance, $"prob differs from ONNX Runtime: {deviation}.");
    }

    [Fact]
    public void LastHiddenState_MatchesOnnxRuntime()
    {
        // Y_h is 1×N×64 in ONNX Runtime's batch and 1×1×64 per observation, so both list the images in the same order.
        using var network = new FashionLstm();
        Layer layer = network.ResolveLayer("lstm/lstm");
        Activations hidden = network.Activations(_fixture.Images.Pixels, layer);
        ReferenceTensor reference = _fixture.Reference[layer.OutputName];

        Deviation deviation = Deviation.Measure(hidden.Values, reference.Values);
        _output.WriteLine($"lstm (Y_h), {FashionLstmFixture.ImageCount} images: {deviation}");

        Assert.Equal(new long[] { 1, FashionLstmFixture.ImageCount, HiddenSize }, reference.Shape);
        Assert.True(deviation.IsWithinTolerance, $"lstm differs from ONNX Runtime: {deviation}.");
    }

    [Fact]
    public void HiddenSequence_MatchesOnnxRuntime()
    {
        using var network = new FashionLstm();
        Activations sequence = network.Activations(_fixture.Images.Pixels, "lstm/lstm_Y");
        ReferenceTensor reference = _fixture.Reference["lstm_Y"];

        // ONNX Runtime's Y is S×1×N×64, and Kiln gives one S×1×1×64 block per image.
        float[] expected = new float[reference.Values.Length];
        int steps = FashionLstmFixture.Steps;
        int images = FashionLstmFixture.ImageCount;
        for (int image = 0; image < images; image++)
        {
            for (int step = 0; step < steps; step++)
            {
                Array.Copy(reference.Values, ((step * images) + image) * HiddenSize, expected, ((image * steps) + step) * HiddenSize, HiddenSize);
            }
        }

        Deviation deviation = Deviation.Measure(sequence.Values, expected);
        _output.WriteLine($"lstm_Y, {images} images: {deviation}");

        Assert.Equal(new long[] { steps, 1, images, HiddenSize }, reference.Shape);
        Assert.True(deviation.IsWithinTolerance, $"lstm_Y differs from ONNX Runtime: {deviation}.");
    }

    [Fact]
    public void Predictions_MatchOnnxRuntime()
    {
        using var network = new FashionLstm();
        int[] predicted = Classification.PredictClasses(network.Activations(_fixture.Images.Pixels, OutputAs.Rows).ToRows());
        int[] expected = Classification.PredictClasses(Classification.ToRows(_fixture.Reference["prob"]));

        int[] disagreements = Enumerable.Range(0, predicted.Length).Where(image => predicted[image] != expected[image]).ToArray();
        Assert.True(disagreements.Length == 0, $"Kiln and ONNX Runtime predict different classes for images {string.Join(", ", disagreements)}.");
    }

    [Fact]
    public void Accuracy_MatchesOnnxRuntime()
    {
        using var network = new FashionLstm();
        int[] predicted = Classification.PredictClasses(network.Activations(_fixture.Images.Pixels, OutputAs.Rows).ToRows());
        int[] expected = Classification.PredictClasses(Classification.ToRows(_fixture.Reference["prob"]));
        double accuracy = Classification.Accuracy(predicted, _fixture.Images.Labels);
        double referenceAccuracy = Classification.Accuracy(expected, _fixture.Images.Labels);
        _output.WriteLine($"accuracy on the first {FashionLstmFixture.ImageCount} test images: Kiln {accuracy:F2}, ONNX Runtime {referenceAccuracy:F2}");

        // A reference far below the published accuracy means the sequences were prepared wrongly.
        Assert.True(referenceAccuracy >= 0.7, $"ONNX Runtime classifies only {referenceAccuracy:P0} of the images correctly; the test input is prepared wrongly.");
        Assert.Equal(referenceAccuracy, accuracy);
    }

    [Fact]
    public void AccuracyOnTestSet_MatchesPublished()
    {
        // All 10,000 test images. Rounding may flip a near tie, so one or two images may differ from the published figure.
        FashionMnist testSet = FashionMnist.ReadTestSet(10_000);
        using var network = new FashionLstm();

        int[] predicted = Classification.PredictClasses(network.Activations(testSet.Pixels, OutputAs.Rows).ToRows());
        double accuracy = Classification.Accuracy(predicted, testSet.Labels);
        _output.WriteLine($"accuracy on {testSet.Count} test images: Kiln {accuracy:F4}, published {PublishedAccuracy:F4}");

        Assert.InRange(accuracy, PublishedAccuracy - 0.0002, PublishedAccuracy + 0.0002);
    }

    [Theory]
    [InlineData("sequence", "Input", "28×1×28")]
    [InlineData("lstm/lstm_Y", "LSTM", "28×1×1×64")]
    [InlineData("lstm/lstm", "LSTM", "1×1×64")]
    [InlineData("last", "Squeeze", "1×64")]
    [InlineData("prob", "Softmax", "1×10")]
    public void Describe_ListsLayer(string name, string operatorName, string shape)
    {
        string table = FashionLstm.Describe();

        string row = $@"^\s*\d+\s+{Regex.Escape(name)}\s+{Regex.Escape(operatorName)}\s+{Regex.Escape(shape)}\s+[\d,]+\s*$";
        Assert.Matches(new Regex(row, RegexOptions.Multiline), table);
    }

    [Fact]
    public void ParametersCountedOncePerNode()
    {
        // LSTM: W 4·64×28 + R 4·64×64 + B 8·64 = 24,064, with two output layers; fc: 64×10 + 10 = 650.
        long total = FashionLstm.Network.Layers.Sum(layer => layer.ParameterCount);

        Assert.Equal(24_714, total);
    }
}
