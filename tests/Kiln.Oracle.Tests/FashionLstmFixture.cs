namespace Kiln.Oracle.Tests;

/// <summary>
/// The first 100 Fashion-MNIST test images as fashion-lstm's sequences, with the model's tensors for them as ONNX
/// Runtime computes them in one batch. Every compiled layer except the graph input is an ONNX Runtime output.
/// </summary>
public sealed class FashionLstmFixture
{
    /// <summary>Number of test images the tests run.</summary>
    public const int ImageCount = 100;

    /// <summary>Time steps of one sequence: the image rows.</summary>
    public const int Steps = FashionMnist.ImageSize;

    /// <summary>Features of one time step: the pixels of an image row.</summary>
    public const int Features = FashionMnist.ImageSize;

    private readonly Lazy<IReadOnlyDictionary<string, ReferenceTensor>> _reference;

    public FashionLstmFixture()
    {
        Images = FashionMnist.ReadTestSet(ImageCount);
        _reference = new Lazy<IReadOnlyDictionary<string, ReferenceTensor>>(RunReference);
    }

    /// <summary>The images and their labels. Kiln's input is <see cref="FashionMnist.Pixels"/>: one 28×1×28 sequence after another.</summary>
    internal FashionMnist Images { get; }

    /// <summary>ONNX Runtime's tensors for the whole batch, by tensor name.</summary>
    internal IReadOnlyDictionary<string, ReferenceTensor> Reference => _reference.Value;

    private IReadOnlyDictionary<string, ReferenceTensor> RunReference()
    {
        string[] layerOutputs = FashionLstm.Network.Layers.Where(layer => layer.Operator != "Input").Select(layer => layer.OutputName).ToArray();
        using OnnxReference reference = OnnxReference.Load("fashion-lstm.onnx", layerOutputs);
        return reference.Run(SequenceMajor(Images.Pixels), [Steps, ImageCount, Features]);
    }

    /// <summary>Reorders N images of 28 rows into the model's S×N×28 batch: time step t contains row t of every image.</summary>
    private static float[] SequenceMajor(float[] pixels)
    {
        var sequences = new float[pixels.Length];
        for (int image = 0; image < ImageCount; image++)
        {
            for (int step = 0; step < Steps; step++)
            {
                Array.Copy(pixels, ((image * Steps) + step) * Features, sequences, ((step * ImageCount) + image) * Features, Features);
            }
        }

        return sequences;
    }
}
