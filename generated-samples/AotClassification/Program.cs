using Kiln;
using Kiln.Data;
using Kiln.Samples.AotClassification;

// Classifies the bundled product images with fashion-alexnet, a small CNN trained on Fashion-MNIST, compiled into
// C# at build time. The program publishes with NativeAOT: no JIT, no model parsing and no inference runtime.
string imageFolder = args.Length > 0 ? args[0] : Path.Combine(AppContext.BaseDirectory, "images");
ImageFolderStore images = ImageFolderStore.Open(imageFolder);

// Fashion-MNIST's class index of each bundled label folder.
var classOf = new Dictionary<string, int> { ["tshirt"] = 0, ["trouser"] = 1, ["sandal"] = 5, ["sneaker"] = 7, ["bag"] = 8 };
string[] classNames = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

// The network reads 3×32×32: the 28×28 image at offset (2, 2) in a zero frame, pixel/255, the same plane in all channels.
var pixels = new ImageInput(28, 28, channels: 1) { Scale = 1 / 255f };
var input = new float[images.Count * 3 * 32 * 32];
for (int n = 0; n < images.Count; n++)
{
    float[] image = ImageDecoder.ReadImage(images.Images[n].Path, pixels);
    for (int channel = 0; channel < 3; channel++)
    {
        for (int row = 0; row < 28; row++)
        {
            int target = (((n * 3) + channel) * 32 * 32) + ((row + 2) * 32) + 2;
            image.AsSpan(row * 28, 28).CopyTo(input.AsSpan(target, 28));
        }
    }
}

using var network = new FashionAlexnet(new ActivationOptions { ExecutionEnvironment = ExecutionEnvironment.Auto });
float[,] probabilities = network.Activations(input, OutputAs.Rows).ToRows();

int correct = 0;
for (int n = 0; n < images.Count; n++)
{
    int predicted = 0;
    for (int k = 1; k < classNames.Length; k++)
    {
        if (probabilities[n, k] > probabilities[n, predicted])
        {
            predicted = k;
        }
    }

    if (predicted == classOf[images.Images[n].Label])
    {
        correct++;
    }
}

Console.WriteLine($"{images.Count} images in {images.Labels.Count} classes from {imageFolder}");
Console.WriteLine($"Accuracy: {(double)correct / images.Count:F3} ({correct}/{images.Count})");

// Auto ran on the CPU above. Requesting the GPU explains why it is not available: ILGPU cannot compile kernels in a
// NativeAOT app, and a project with PublishAot turns dynamic code off in its JIT runs too.
try
{
    using var onGpu = new FashionAlexnet(new ActivationOptions { ExecutionEnvironment = ExecutionEnvironment.Gpu });
    Console.WriteLine($"GPU: {onGpu.Device}");
}
catch (NotSupportedException exception)
{
    Console.WriteLine($"GPU: {exception.Message}");
}
