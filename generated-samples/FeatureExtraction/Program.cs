using System.Diagnostics;
using Kiln;
using Kiln.Data;
using Kiln.Samples.FeatureExtraction;

// Feature extraction and classification. A pretrained ResNet18, compiled into C# at build time, turns
// labelled product images into 512-wide feature vectors. A linear classifier trained on 70% of them
// is tested on the rest.
// Usage: FeatureExtraction [--gpu] [image folder] [montage path]. With --gpu, ResNet18 runs its generated
// GPU kernels on a CUDA device, and the run fails when there is none.
if (args.Contains("--help") || args.Contains("-h"))
{
    Console.WriteLine("Usage: FeatureExtraction [--gpu] [image folder] [montage path]");
    Console.WriteLine("  image folder   one subfolder of images per class (default: the bundled product images)");
    Console.WriteLine("  montage path   where to write the picture of the test predictions (default: predictions.png)");
    Console.WriteLine("  --gpu          run ResNet18's generated GPU kernels on a CUDA device; fails when there is none");
    return 0;
}

bool useGpu = args.Contains("--gpu");
string[] paths = args.Where(argument => argument != "--gpu").ToArray();
string imageFolder = paths.Length > 0 ? paths[0] : Path.Combine(AppContext.BaseDirectory, "images");
string montagePath = paths.Length > 1 ? paths[1] : Path.GetFullPath("predictions.png");
const int Seed = 1;

ImageFolderStore images = ImageFolderStore.Open(imageFolder);
(ImageFolderStore train, ImageFolderStore test) = images.Split(0.7, Seed);
Console.WriteLine($"{images.Count} images in {images.Labels.Count} classes ({string.Join(", ", images.Labels)}) from {imageFolder}");
Console.WriteLine($"Training on {train.Count} images, testing on {test.Count}.");
Console.WriteLine();

var options = new ActivationOptions
{
    ExecutionEnvironment = useGpu ? ExecutionEnvironment.Gpu : ExecutionEnvironment.Cpu,
    MiniBatchSize = 16,
    Progress = new ConsoleProgress(),
};
using var preprocess = new ResNetPreprocess(options with { ExecutionEnvironment = ExecutionEnvironment.Cpu, Progress = null });
ResNet18Features resnet;
try
{
    resnet = new ResNet18Features(options);
}
catch (NotSupportedException exception) when (useGpu)
{
    // Gpu was requested, but there is no CUDA device (the message lists what ILGPU found instead).
    Console.Error.WriteLine($"error: {exception.Message}");
    return 1;
}

using var network = resnet;
Console.WriteLine($"ResNet18 runs on: {resnet.Device}");
Console.WriteLine();

// ResNet18 reads 224×224 colour images; the gray product photos are resized and repeated in all three channels.
var imageInput = new ImageInput(224, 224, channels: 3);
float[,] trainFeatures = ExtractFeatures("training", train);
float[,] testFeatures = ExtractFeatures("test", test);
Console.WriteLine();

var classifier = LinearClassifier.Train(trainFeatures, train.Images.Select(image => image.Label).ToArray(), Seed);
string[] predicted = classifier.Predict(testFeatures);

Console.WriteLine("Per-class results on the test images:");
int correct = 0;
foreach (string label in test.Labels)
{
    int[] indices = Enumerable.Range(0, test.Count).Where(i => test.Images[i].Label == label).ToArray();
    int right = indices.Count(i => predicted[i] == label);
    correct += right;
    string mistakes = string.Join(", ", indices.Where(i => predicted[i] != label).Select(i => predicted[i]).Distinct());
    Console.WriteLine($"  {label,-10} {right}/{indices.Length} correct{(mistakes.Length > 0 ? $" (others taken for {mistakes})" : string.Empty)}");
}

var tiles = Enumerable.Range(0, test.Count)
    .Where(i => i % Math.Max(1, test.Count / 4) == 0)
    .Take(4)
    .Select(i => new MontageTile(test.Images[i].Path, $"predicted: {predicted[i]}"))
    .ToList();
Montage.Write(montagePath, tiles);
Console.WriteLine($"Wrote {tiles.Count} test images titled with their predictions to {montagePath}");
Console.WriteLine($"Test accuracy: {(double)correct / test.Count:F3} ({correct}/{test.Count})");
return 0;

float[,] ExtractFeatures(string part, ImageFolderStore store)
{
    var stopwatch = Stopwatch.StartNew();
    Console.WriteLine($"Extracting features of the {store.Count} {part} images:");
    float[] pixels = ImageDecoder.ReadBatch(store.Images, imageInput);
    Activations prepared = preprocess.Activations(pixels);
    float[,] rows = resnet.Activations(prepared.ToArray(), ResNet18Features.Layers.Pooling395, OutputAs.Rows).ToRows();
    Console.WriteLine($"  {store.Count} × {rows.GetLength(1)} features in {stopwatch.Elapsed.TotalSeconds:F1} s");
    return rows;
}

/// <summary>Prints progress on the calling thread, in order, as observations finish.</summary>
internal sealed class ConsoleProgress : IProgress<ActivationProgress>
{
    public void Report(ActivationProgress value) =>
        Console.WriteLine($"  {value.Completed}/{value.Total} images");
}
