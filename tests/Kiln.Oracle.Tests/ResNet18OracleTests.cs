using System.Globalization;
using Xunit.Abstractions;

namespace Kiln.Oracle.Tests;

/// <summary>The compiled ResNet18 and its preprocessing compared with ONNX Runtime, layer by layer, on real photos.</summary>
public sealed class ResNet18OracleTests : IClassFixture<ResNet18Fixture>
{
    private readonly ResNet18Fixture _fixture;
    private readonly ITestOutputHelper _output;

    public ResNet18OracleTests(ResNet18Fixture fixture, ITestOutputHelper output)
    {
        _fixture = fixture;
        _output = output;
    }

    [Fact]
    public void Preprocess_MatchesOnnxRuntime()
    {
        int valuesPerImage = _fixture.Preprocessed.Length / ResNet18Fixture.PhotoNames.Length;
        for (int photo = 0; photo < ResNet18Fixture.PhotoNames.Length; photo++)
        {
            Deviation deviation = Deviation.Measure(
                _fixture.Preprocessed.AsSpan(photo * valuesPerImage, valuesPerImage),
                _fixture.ReferencePreprocessed.AsSpan(photo * valuesPerImage, valuesPerImage));
            _output.WriteLine($"ResNetPreprocess, {ResNet18Fixture.PhotoNames[photo]}: {deviation}");

            Assert.True(deviation.IsWithinTolerance, $"ResNetPreprocess differs from ONNX Runtime on {ResNet18Fixture.PhotoNames[photo]}: {deviation}.");
        }
    }

    [Theory]
    [InlineData("Convolution249")]
    [InlineData("ReLU253")]
    [InlineData("Pooling255")]
    [InlineData("Plus267")]
    [InlineData("Plus299")]
    [InlineData("Plus331")]
    [InlineData("ReLU333")]
    [InlineData("Plus391")]
    [InlineData("Pooling395")]
    public void Layer_MatchesOnnxRuntime(string layerName)
    {
        Layer layer = _fixture.Network.ResolveLayer(layerName);
        Activations activations = _fixture.Network.Activations(_fixture.Preprocessed, layer, OutputAs.Channels);

        Assert.Equal(_fixture.ReferenceLayers[0][layer.OutputName].Shape, layer.Shape.Select(dimension => (long)dimension));
        for (int photo = 0; photo < ResNet18Fixture.PhotoNames.Length; photo++)
        {
            string photoName = ResNet18Fixture.PhotoNames[photo];
            ReferenceTensor reference = _fixture.ReferenceLayers[photo][layer.OutputName];
            Deviation deviation = Deviation.Measure(activations.GetObservation(photo), reference.Values);
            _output.WriteLine($"{layerName}, {photoName}: {deviation}");

            Assert.True(deviation.IsWithinTolerance, $"{layerName} differs from ONNX Runtime on {photoName}: {deviation}.");
        }
    }

    [Fact]
    public void Pooling395_IsTargetLayer()
    {
        Activations byDefault = _fixture.Network.Activations(_fixture.Preprocessed.AsMemory(0, _fixture.Preprocessed.Length / ResNet18Fixture.PhotoNames.Length));

        Assert.Equal("Pooling395", ResNet18Features.Network.TargetLayer.Name);
        Assert.Same(ResNet18Features.Layers.Pooling395, byDefault.Layer);
        Assert.Equal([1, 512, 1, 1], byDefault.Shape);
    }

    /// <summary>
    /// Computes one photo on one thread and with its layers split across up to 3 threads (the span overload with
    /// one observation), which must give the same bits.
    /// </summary>
    [Fact]
    public void SplitLayers_MatchOneThreadBits()
    {
        int valuesPerImage = _fixture.Preprocessed.Length / ResNet18Fixture.PhotoNames.Length;
        ReadOnlySpan<float> photo = _fixture.Preprocessed.AsSpan(0, valuesPerImage);
        Layer layer = ResNet18Features.Layers.Pooling395;
        using var oneThread = new ResNet18Features(new ActivationOptions { ExecutionEnvironment = ExecutionEnvironment.Cpu, MaxDegreeOfParallelism = 1 });
        using var split = new ResNet18Features(new ActivationOptions { ExecutionEnvironment = ExecutionEnvironment.Cpu, MaxDegreeOfParallelism = 3 });
        var expected = new float[layer.ElementCount];
        var actual = new float[layer.ElementCount];

        oneThread.Activations(photo, expected, layer);
        split.Activations(photo, actual, layer);

        Assert.Equal(Array.ConvertAll(expected, BitConverter.SingleToInt32Bits), Array.ConvertAll(actual, BitConverter.SingleToInt32Bits));
    }

    /// <summary>
    /// Compares every layer on the first photo and names the first one that differs, so that a failure points at
    /// the operator where the error enters rather than at the layers it propagates to.
    /// </summary>
    [Fact]
    public void EveryLayer_MatchesOnnxRuntime()
    {
        IReadOnlyList<Layer> layers = ResNet18Features.Network.Layers.Where(layer => layer.Operator != "Input").ToArray();
        ReadOnlyMemory<float> firstPhoto = _fixture.Preprocessed.AsMemory(0, _fixture.Preprocessed.Length / ResNet18Fixture.PhotoNames.Length);

        // Each call runs the network from the input up to its layer, so the layers are spread over the cores.
        var deviations = new Deviation[layers.Count];
        Parallel.For(0, layers.Count, index =>
        {
            float[] values = _fixture.Network.Activations(firstPhoto, layers[index]).ToArray();
            deviations[index] = Deviation.Measure(values, _fixture.ReferenceLayers[0][layers[index].OutputName].Values);
        });

        string? firstFailure = null;
        for (int index = 0; index < layers.Count; index++)
        {
            _output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{layers[index].Name,-24} {layers[index].Operator,-20} {deviations[index]}"));
            if (firstFailure is null && !deviations[index].IsWithinTolerance)
            {
                firstFailure = $"{layers[index].Name} ({layers[index].Operator}): {deviations[index]}";
            }
        }

        Assert.True(firstFailure is null, $"The first layer that differs from ONNX Runtime on {ResNet18Fixture.PhotoNames[0]} is {firstFailure}.");
    }
}
