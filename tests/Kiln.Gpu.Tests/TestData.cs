using System.Buffers.Binary;
using System.IO.Compression;
using Kiln.Data;

namespace Kiln.Gpu.Tests;

/// <summary>The inputs the tests run: Fashion-MNIST test images and a photo, read from the shared folder beside the repository.</summary>
internal static class TestData
{
    private const int FashionImageSize = 28;
    private const int FashionFrameSize = 32;

    /// <summary>
    /// The first <paramref name="count"/> Fashion-MNIST test images as fashion-alexnet's input: each 28×28 image at
    /// row 2, column 2 of a zero 32×32 frame, pixel / 255, the same plane in all three channels.
    /// </summary>
    public static float[] FashionMnist(int count)
    {
        byte[] pixels = ReadFashionPixels(count);
        int plane = FashionFrameSize * FashionFrameSize;
        var input = new float[count * 3 * plane];
        for (int image = 0; image < count; image++)
        {
            for (int row = 0; row < FashionImageSize; row++)
            {
                for (int column = 0; column < FashionImageSize; column++)
                {
                    float value = pixels[(image * FashionImageSize * FashionImageSize) + (row * FashionImageSize) + column] / 255f;
                    for (int channel = 0; channel < 3; channel++)
                    {
                        input[(image * 3 * plane) + (channel * plane) + ((row + 2) * FashionFrameSize) + column + 2] = value;
                    }
                }
            }
        }

        return input;
    }

    /// <summary>
    /// The first <paramref name="count"/> Fashion-MNIST test images as fashion-lstm's sequences: image row r is time
    /// step r, pixel / 255, so each observation is the image's 28×28 pixels in row-major order.
    /// </summary>
    public static float[] FashionMnistSequences(int count) =>
        ReadFashionPixels(count).Select(pixel => pixel / 255f).ToArray();

    /// <summary>A photo resized to 224×224, RGB, with 128 subtracted so that its values lie around zero as ResNet18 expects.</summary>
    public static float[] Photo(string name)
    {
        var imageInput = new ImageInput(224, 224, 3);
        float[] image = ImageDecoder.ReadImage(Path.Combine(SharedFolder(), "data", "photos", name), imageInput);
        for (int i = 0; i < image.Length; i++)
        {
            image[i] -= 128f;
        }

        return image;
    }

    /// <summary>The bytes of the first <paramref name="count"/> Fashion-MNIST test images, 28×28 each, row-major.</summary>
    private static byte[] ReadFashionPixels(int count)
    {
        string path = Path.Combine(SharedFolder(), "data", "fashion-mnist-t10k", "t10k-images-idx3-ubyte.gz");
        using var gzip = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        var header = new byte[16];
        gzip.ReadExactly(header);
        Assert.Equal(2051, BinaryPrimitives.ReadInt32BigEndian(header));
        var pixels = new byte[count * FashionImageSize * FashionImageSize];
        gzip.ReadExactly(pixels);
        return pixels;
    }

    private static string SharedFolder()
    {
        for (DirectoryInfo? folder = new(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Compiler.sln")))
            {
                string shared = Path.GetFullPath(Path.Combine(folder.FullName, "..", "shared"));
                if (!Directory.Exists(shared))
                {
                    throw new DirectoryNotFoundException($"The shared folder '{shared}' with the test models and data is missing beside the repository.");
                }

                return shared;
            }
        }

        throw new DirectoryNotFoundException($"No folder containing Compiler.sln was found above '{AppContext.BaseDirectory}'.");
    }
}
