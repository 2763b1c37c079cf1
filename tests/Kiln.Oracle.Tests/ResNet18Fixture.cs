using Kiln.Data;

namespace Kiln.Oracle.Tests;

/// <summary>
/// Real photos run through ResNet18's preprocessing and ResNet18 by ONNX Runtime, once for all tests of the
/// class. ONNX Runtime returns every layer that the compiled <see cref="ResNet18Features"/> has, so a test can
/// compare any of them.
/// </summary>
public sealed class ResNet18Fixture : IDisposable
{
    /// <summary>Photos from the shared data folder, decoded and resized to 224×224.</summary>
    public static readonly string[] PhotoNames = ["astronaut.png", "chelsea.png", "coffee.png", "rocket.jpg"];

    private static readonly long[] ImageShape = [1, 3, 224, 224];

    public ResNet18Fixture()
    {
        var imageInput = new ImageInput(224, 224, 3);
        int valuesPerImage = imageInput.ValuesPerImage;
        Images = new float[PhotoNames.Length * valuesPerImage];
        for (int photo = 0; photo < PhotoNames.Length; photo++)
        {
            string path = Path.Combine(SharedData.PhotosFolder, PhotoNames[photo]);
            ImageDecoder.ReadImage(path, imageInput).CopyTo(Images, photo * valuesPerImage);
        }

        using (var preprocess = new ResNetPreprocess())
        {
            Preprocessed = preprocess.Activations(Images).ToArray();
        }

        using OnnxReference preprocessReference = OnnxReference.Load("ResNetPreprocess.onnx", []);
        string preprocessOutput = ResNetPreprocess.Network.TargetLayer.OutputName;

        // Every compiled layer except the graph input becomes an ONNX Runtime output.
        string[] layerOutputs = ResNet18Features.Network.Layers.Where(layer => layer.Operator != "Input").Select(layer => layer.OutputName).ToArray();
        using OnnxReference networkReference = OnnxReference.Load("ResNet18.onnx", layerOutputs);

        ReferencePreprocessed = new float[Preprocessed.Length];
        ReferenceLayers = new Dictionary<string, ReferenceTensor>[PhotoNames.Length];
        for (int photo = 0; photo < PhotoNames.Length; photo++)
        {
            float[] image = Images.AsSpan(photo * valuesPerImage, valuesPerImage).ToArray();
            preprocessReference.Run(image, ImageShape)[preprocessOutput].Values.CopyTo(ReferencePreprocessed, photo * valuesPerImage);

            // ResNet18 runs on Kiln's preprocessed photo on both sides, so that its layers are compared on the same input.
            float[] preprocessed = Preprocessed.AsSpan(photo * valuesPerImage, valuesPerImage).ToArray();
            ReferenceLayers[photo] = new Dictionary<string, ReferenceTensor>(networkReference.Run(preprocessed, ImageShape));
        }

        Network = new ResNet18Features();
    }

    /// <summary>The photos, N×3×224×224, RGB 0–255.</summary>
    public float[] Images { get; }

    /// <summary>The photos after the compiled <see cref="ResNetPreprocess"/>.</summary>
    public float[] Preprocessed { get; }

    /// <summary>The photos after ONNX Runtime ran ResNetPreprocess.onnx.</summary>
    public float[] ReferencePreprocessed { get; }

    /// <summary>For each photo, ONNX Runtime's ResNet18 tensors by tensor name.</summary>
    internal IReadOnlyDictionary<string, ReferenceTensor>[] ReferenceLayers { get; }

    /// <summary>The compiled ResNet18.</summary>
    public ResNet18Features Network { get; }

    /// <inheritdoc/>
    public void Dispose() => Network.Dispose();
}
