namespace Kiln.Oracle.Tests;

/// <summary>
/// The first 100 Fashion-MNIST test images, with fashion-alexnet's tensors for them as ONNX Runtime computes them
/// in one batch. Every compiled layer except the graph input is an ONNX Runtime output.
/// </summary>
public sealed class FashionAlexNetFixture
{
    /// <summary>Number of test images the tests run.</summary>
    public const int ImageCount = 100;

    private readonly Lazy<IReadOnlyDictionary<string, ReferenceTensor>> _reference;

    public FashionAlexNetFixture()
    {
        Images = FashionMnist.ReadTestSet(ImageCount);
        _reference = new Lazy<IReadOnlyDictionary<string, ReferenceTensor>>(RunReference);
    }

    /// <summary>The images as one batch, and their labels.</summary>
    internal FashionMnist Images { get; }

    /// <summary>ONNX Runtime's tensors for the whole batch, by tensor name.</summary>
    internal IReadOnlyDictionary<string, ReferenceTensor> Reference => _reference.Value;

    private IReadOnlyDictionary<string, ReferenceTensor> RunReference()
    {
        string[] layerOutputs = FashionAlexNet.Network.Layers.Where(layer => layer.Operator != "Input").Select(layer => layer.OutputName).ToArray();
        using OnnxReference reference = OnnxReference.Load("fashion-alexnet.onnx", layerOutputs);
        return reference.Run(Images.Input, [ImageCount, FashionMnist.Channels, FashionMnist.FrameSize, FashionMnist.FrameSize]);
    }
}
