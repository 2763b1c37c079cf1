using Kiln.Data;
using SkiaSharp;

namespace Kiln.Runtime.Tests.Data;

public sealed class ImageDecoderTests
{
    private const int GraySize = 28;

    [Fact]
    public void ReadImage_GrayToThreeChannels()
    {
        byte[] gray = DecodeGray(TestImages.GrayImage);

        float[] values = ImageDecoder.ReadImage(TestImages.GrayImage, new ImageInput(GraySize, GraySize, channels: 3));

        Assert.Equal(3 * GraySize * GraySize, values.Length);
        for (int c = 0; c < 3; c++)
        {
            Assert.Equal(gray.Select(value => (float)value), Plane(values, c, GraySize * GraySize));
        }
    }

    [Fact]
    public void ReadImage_GrayToOneChannel()
    {
        byte[] gray = DecodeGray(TestImages.GrayImage);

        float[] values = ImageDecoder.ReadImage(TestImages.GrayImage, new ImageInput(GraySize, GraySize, channels: 1));

        Assert.Equal(gray.Select(value => (float)value), values);
    }

    [Fact]
    public void ReadImage_ColourRgb()
    {
        string path = TestImages.Photo("chelsea.png");
        SKColor[,] pixels = DecodeColour(path, out int width, out int height);

        float[] values = ImageDecoder.ReadImage(path, new ImageInput(width, height));

        Assert.Equal(Channel(pixels, color => color.Red), Plane(values, 0, width * height));
        Assert.Equal(Channel(pixels, color => color.Green), Plane(values, 1, width * height));
        Assert.Equal(Channel(pixels, color => color.Blue), Plane(values, 2, width * height));
    }

    [Fact]
    public void ReadImage_ColourBgr()
    {
        string path = TestImages.Photo("china.jpg");
        SKColor[,] pixels = DecodeColour(path, out int width, out int height);

        float[] values = ImageDecoder.ReadImage(path, new ImageInput(width, height) { ChannelOrder = ChannelOrder.Bgr });

        Assert.Equal(Channel(pixels, color => color.Blue), Plane(values, 0, width * height));
        Assert.Equal(Channel(pixels, color => color.Green), Plane(values, 1, width * height));
        Assert.Equal(Channel(pixels, color => color.Red), Plane(values, 2, width * height));
    }

    [Fact]
    public void ReadImage_ColourToLuminance()
    {
        string path = TestImages.Photo("coffee.png");
        SKColor[,] pixels = DecodeColour(path, out int width, out int height);

        float[] values = ImageDecoder.ReadImage(path, new ImageInput(width, height, channels: 1));

        float[] expected = Channel(pixels, color => 0.299f * color.Red + 0.587f * color.Green + 0.114f * color.Blue).ToArray();
        Assert.Equal(width * height, values.Length);
        Assert.All(Enumerable.Range(0, values.Length), i => Assert.Equal(expected[i], values[i], 0.001f));
    }

    [Fact]
    public void ReadImage_ResizesPhoto()
    {
        float[] values = ImageDecoder.ReadImage(TestImages.Photo("astronaut.png"), new ImageInput(224, 224));

        Assert.Equal(3 * 224 * 224, values.Length);
        Assert.All(values, value => Assert.InRange(value, 0f, 255f));
        Assert.True(values.Distinct().Count() > 200, "A resized photo should keep most of its distinct values.");
    }

    [Fact]
    public void ReadImage_ResizeKeepsColour()
    {
        // Shrinking averages the pixels, so each channel of a 4 × 4 version has about the photo's mean value.
        string path = TestImages.Photo("rocket.jpg");
        SKColor[,] pixels = DecodeColour(path, out _, out _);

        float[] values = ImageDecoder.ReadImage(path, new ImageInput(4, 4));

        Assert.Equal(Channel(pixels, color => color.Red).Average(), Plane(values, 0, 16).Average(), 8.0);
        Assert.Equal(Channel(pixels, color => color.Green).Average(), Plane(values, 1, 16).Average(), 8.0);
        Assert.Equal(Channel(pixels, color => color.Blue).Average(), Plane(values, 2, 16).Average(), 8.0);
    }

    [Fact]
    public void ReadImage_UpscalesGray()
    {
        float[] values = ImageDecoder.ReadImage(TestImages.GrayImage, new ImageInput(224, 224));

        Assert.Equal(3 * 224 * 224, values.Length);
        Assert.All(values, value => Assert.InRange(value, 0f, 255f));
    }

    [Fact]
    public void ReadImage_AppliesScale()
    {
        byte[] gray = DecodeGray(TestImages.GrayImage);
        const float scale = 1 / 255f;

        float[] values = ImageDecoder.ReadImage(TestImages.GrayImage, new ImageInput(GraySize, GraySize, channels: 1) { Scale = scale });

        Assert.Equal(gray.Select(value => value * scale), values);
        Assert.All(values, value => Assert.InRange(value, 0f, 1f));
    }

    [Fact]
    public void ReadImage_SubtractsMean()
    {
        byte[] gray = DecodeGray(TestImages.GrayImage);
        float[] mean = [10f, 20f, 30f];

        float[] values = ImageDecoder.ReadImage(TestImages.GrayImage, new ImageInput(GraySize, GraySize) { Mean = mean });

        for (int c = 0; c < 3; c++)
        {
            Assert.Equal(gray.Select(value => value - mean[c]), Plane(values, c, GraySize * GraySize));
        }
    }

    [Fact]
    public void ReadImage_ScalesThenNormalizes()
    {
        byte[] gray = DecodeGray(TestImages.GrayImage);
        const float scale = 1 / 255f;
        float[] mean = [0.485f, 0.456f, 0.406f];
        float[] standardDeviation = [0.229f, 0.224f, 0.225f];
        var input = new ImageInput(GraySize, GraySize) { Scale = scale, Mean = mean, StandardDeviation = standardDeviation };

        float[] values = ImageDecoder.ReadImage(TestImages.GrayImage, input);

        for (int c = 0; c < 3; c++)
        {
            Assert.Equal(gray.Select(value => (value * scale - mean[c]) / standardDeviation[c]), Plane(values, c, GraySize * GraySize));
        }
    }

    [Fact]
    public void ReadImage_CompositesAlphaOnBlack()
    {
        using var temporary = new TemporaryFolder();
        string path = temporary.File("alpha.png");
        using (var bitmap = new SKBitmap(new SKImageInfo(2, 1, SKColorType.Rgba8888, SKAlphaType.Unpremul)))
        {
            bitmap.SetPixel(0, 0, new SKColor(255, 255, 255, 0));
            bitmap.SetPixel(1, 0, new SKColor(200, 100, 50, 255));
            using FileStream file = File.Create(path);
            bitmap.Encode(file, SKEncodedImageFormat.Png, 100);
        }

        float[] values = ImageDecoder.ReadImage(path, new ImageInput(2, 1));

        Assert.Equal([0f, 200f], Plane(values, 0, 2));
        Assert.Equal([0f, 100f], Plane(values, 1, 2));
        Assert.Equal([0f, 50f], Plane(values, 2, 2));
    }

    [Fact]
    public void ReadBatch_MatchesReadImage()
    {
        ImageFolderStore store = ImageFolderStore.Open(TestImages.FashionProducts);
        var input = new ImageInput(32, 32);

        float[] batch = ImageDecoder.ReadBatch(store.Images, input);

        Assert.Equal(store.Count * input.ValuesPerImage, batch.Length);
        for (int i = 0; i < store.Count; i++)
        {
            float[] single = ImageDecoder.ReadImage(store.Images[i].Path, input);
            Assert.Equal(single, batch.AsSpan(i * input.ValuesPerImage, input.ValuesPerImage).ToArray());
        }
    }

    [Fact]
    public void ReadBatch_MixedSizes()
    {
        string[] names = ["astronaut.png", "chelsea.png", "flower.jpg"];
        LabeledImage[] images = names.Select(name => new LabeledImage(TestImages.Photo(name), "photo")).ToArray();
        var input = new ImageInput(64, 48);

        float[] batch = ImageDecoder.ReadBatch(images, input);

        Assert.Equal(names.Length * 3 * 48 * 64, batch.Length);
        Assert.Equal(ImageDecoder.ReadImage(images[1].Path, input), batch.AsSpan(input.ValuesPerImage, input.ValuesPerImage).ToArray());
    }

    [Fact]
    public void ReadBatch_Empty()
    {
        float[] batch = ImageDecoder.ReadBatch([], new ImageInput(8, 8));

        Assert.Empty(batch);
    }

    [Fact]
    public void ReadImage_NotAnImage()
    {
        using var temporary = new TemporaryFolder();
        string path = temporary.File("text.png");
        File.WriteAllText(path, "This is text, not a PNG image.");

        var error = Assert.Throws<InvalidDataException>(() => ImageDecoder.ReadImage(path, new ImageInput(8, 8)));

        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void ReadImage_TruncatedPng()
    {
        using var temporary = new TemporaryFolder();
        string path = temporary.File("truncated.png");
        byte[] bytes = File.ReadAllBytes(TestImages.Photo("chelsea.png"));
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);

        var error = Assert.Throws<InvalidDataException>(() => ImageDecoder.ReadImage(path, new ImageInput(8, 8)));

        Assert.Contains(path, error.Message);
        Assert.Contains("truncated", error.Message);
    }

    [Fact]
    public void ReadImage_TruncatedJpeg()
    {
        using var temporary = new TemporaryFolder();
        string path = temporary.File("truncated.jpg");
        byte[] bytes = File.ReadAllBytes(TestImages.Photo("china.jpg"));
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);

        var error = Assert.Throws<InvalidDataException>(() => ImageDecoder.ReadImage(path, new ImageInput(8, 8)));

        Assert.Contains(path, error.Message);
        Assert.Contains("truncated", error.Message);
    }

    [Fact]
    public void ReadImage_EmptyFile()
    {
        using var temporary = new TemporaryFolder();
        string path = temporary.File("empty.jpg");
        File.WriteAllBytes(path, []);

        var error = Assert.Throws<InvalidDataException>(() => ImageDecoder.ReadImage(path, new ImageInput(8, 8)));

        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void ReadImage_MissingFile()
    {
        using var temporary = new TemporaryFolder();
        string path = temporary.File("missing.png");

        var error = Assert.Throws<FileNotFoundException>(() => ImageDecoder.ReadImage(path, new ImageInput(8, 8)));

        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void ReadBatch_ReportsFirstBadFile()
    {
        using var temporary = new TemporaryFolder();
        string firstBad = temporary.File("first.png");
        string secondBad = temporary.File("second.png");
        File.WriteAllText(firstBad, "not an image");
        File.WriteAllText(secondBad, "not an image either");
        LabeledImage[] images =
        [
            new(TestImages.GrayImage, "bag"),
            new(firstBad, "bag"),
            new(TestImages.GrayImage, "bag"),
            new(secondBad, "bag"),
        ];

        var error = Assert.Throws<InvalidDataException>(() => ImageDecoder.ReadBatch(images, new ImageInput(8, 8)));

        Assert.Contains(firstBad, error.Message);
    }

    private static float[] Plane(float[] values, int channel, int planeLength) =>
        values.AsSpan(channel * planeLength, planeLength).ToArray();

    /// <summary>Decodes a gray PNG with SkiaSharp and returns its raw bytes, row by row.</summary>
    private static byte[] DecodeGray(string path)
    {
        using SKBitmap bitmap = SKBitmap.Decode(path);
        Assert.Equal(SKColorType.Gray8, bitmap.ColorType);

        var gray = new byte[bitmap.Width * bitmap.Height];
        ReadOnlySpan<byte> bytes = bitmap.GetPixelSpan();
        for (int y = 0; y < bitmap.Height; y++)
        {
            bytes.Slice(y * bitmap.RowBytes, bitmap.Width).CopyTo(gray.AsSpan(y * bitmap.Width));
        }

        return gray;
    }

    /// <summary>Decodes a colour image with SkiaSharp at its own size, indexed [y, x].</summary>
    private static SKColor[,] DecodeColour(string path, out int width, out int height)
    {
        using SKBitmap bitmap = SKBitmap.Decode(path);
        width = bitmap.Width;
        height = bitmap.Height;

        var pixels = new SKColor[height, width];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                pixels[y, x] = bitmap.GetPixel(x, y);
            }
        }

        return pixels;
    }

    /// <summary>Returns one value per pixel in row order.</summary>
    private static IEnumerable<float> Channel(SKColor[,] pixels, Func<SKColor, float> select)
    {
        for (int y = 0; y < pixels.GetLength(0); y++)
        {
            for (int x = 0; x < pixels.GetLength(1); x++)
            {
                yield return select(pixels[y, x]);
            }
        }
    }
}
