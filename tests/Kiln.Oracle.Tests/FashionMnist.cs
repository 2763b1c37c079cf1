using System.Buffers.Binary;
using System.IO.Compression;

namespace Kiln.Oracle.Tests;

/// <summary>
/// The first images of the Fashion-MNIST test set, prepared as fashion-alexnet's input: each 28×28 image placed
/// at row 2, column 2 of a zero 32×32 frame, pixel / 255, the same plane in all three channels. The plain 28×28
/// images (pixel / 255) are fashion-lstm's input, one image row for each time step.
/// </summary>
internal sealed class FashionMnist
{
    public const int Channels = 3;
    public const int FrameSize = 32;
    public const int ValuesPerImage = Channels * FrameSize * FrameSize;

    public const int ImageSize = 28;
    private const int FrameOffset = 2;
    private const int ImagesMagic = 2051;
    private const int LabelsMagic = 2049;

    private readonly Lazy<float[]> _input;

    private FashionMnist(float[] pixels, byte[] labels)
    {
        Pixels = pixels;
        Labels = labels;
        _input = new Lazy<float[]>(() => Frame(pixels, labels.Length));
    }

    /// <summary>Number of images.</summary>
    public int Count => Labels.Length;

    /// <summary>The images as one N×3×32×32 batch, ONNX order.</summary>
    public float[] Input => _input.Value;

    /// <summary>The images as N×28×28, row-major, pixel / 255.</summary>
    public float[] Pixels { get; }

    /// <summary>Class of each image, 0 to 9.</summary>
    public byte[] Labels { get; }

    /// <summary>Reads the first <paramref name="count"/> test images and their labels.</summary>
    public static FashionMnist ReadTestSet(int count)
    {
        byte[] pixels = ReadIdx(Path.Combine(SharedData.FashionMnistFolder, "t10k-images-idx3-ubyte.gz"), ImagesMagic, headerLength: 16, count * ImageSize * ImageSize);
        byte[] labels = ReadIdx(Path.Combine(SharedData.FashionMnistFolder, "t10k-labels-idx1-ubyte.gz"), LabelsMagic, headerLength: 8, count);

        return new FashionMnist(Array.ConvertAll(pixels, pixel => pixel / 255f), labels);
    }

    /// <summary>Places each 28×28 image in a zero 32×32 frame, in all three channels.</summary>
    private static float[] Frame(float[] pixels, int count)
    {
        var input = new float[count * ValuesPerImage];
        int plane = FrameSize * FrameSize;
        for (int image = 0; image < count; image++)
        {
            for (int row = 0; row < ImageSize; row++)
            {
                for (int column = 0; column < ImageSize; column++)
                {
                    float value = pixels[(image * ImageSize * ImageSize) + (row * ImageSize) + column];
                    int offset = ((row + FrameOffset) * FrameSize) + column + FrameOffset;
                    for (int channel = 0; channel < Channels; channel++)
                    {
                        input[(image * ValuesPerImage) + (channel * plane) + offset] = value;
                    }
                }
            }
        }

        return input;
    }

    /// <summary>Reads <paramref name="length"/> bytes after the header of a gzip-compressed idx file.</summary>
    private static byte[] ReadIdx(string path, int magic, int headerLength, int length)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Fashion-MNIST file not found: '{path}'.", path);
        }

        using var gzip = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        var header = new byte[headerLength];
        gzip.ReadExactly(header);
        int actualMagic = BinaryPrimitives.ReadInt32BigEndian(header);
        if (actualMagic != magic)
        {
            throw new InvalidDataException($"'{path}' starts with {actualMagic}, not the idx magic number {magic}.");
        }

        int available = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(4));
        int itemLength = headerLength == 16 ? ImageSize * ImageSize : 1;
        if ((long)available * itemLength < length)
        {
            throw new InvalidDataException($"'{path}' contains {available} items, fewer than the {length / itemLength} requested.");
        }

        var data = new byte[length];
        gzip.ReadExactly(data);
        return data;
    }
}
