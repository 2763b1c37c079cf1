using System.Runtime.ExceptionServices;
using SkiaSharp;

namespace Kiln.Data;

/// <summary>
/// Reads image files into float tensors in ONNX order (N × C × H × W) as an <see cref="ImageInput"/> describes.
/// </summary>
/// <remarks>
/// <para>
/// SkiaSharp decodes PNG, JPEG, BMP, GIF and WebP files, taking the first frame of an animated file. Pixel values are
/// used as stored, so embedded colour profiles and the EXIF orientation of photos are not applied.
/// Alpha is composited on black, so a fully transparent pixel reads as 0 in every channel.
/// </para>
/// <para>
/// An image whose size differs from the input's is resized to exactly the input's width and height, without keeping
/// the aspect ratio or cropping. The resize is bilinear. When shrinking, it also blends the two nearest mipmap levels
/// (trilinear filtering), so that a large photo is averaged rather than sampled at sparse points. An image that
/// already has the input's size is used as decoded, with no resampling.
/// </para>
/// </remarks>
public static class ImageDecoder
{
    private const int BytesPerPixel = 4;

    private static readonly SKSamplingOptions ResizeSampling = new(SKFilterMode.Linear, SKMipmapMode.Linear);

    /// <summary>Reads one image into a new 1 × C × H × W array.</summary>
    /// <exception cref="FileNotFoundException"><paramref name="path"/> does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not an image that SkiaSharp can decode, or is truncated.</exception>
    public static float[] ReadImage(string path, ImageInput input)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(input);

        var values = new float[input.ValuesPerImage];
        ReadImage(path, input, values);
        return values;
    }

    /// <summary>
    /// Reads <paramref name="images"/> into a new N × C × H × W array, image i at offset i × <see cref="ImageInput.ValuesPerImage"/>.
    /// Images are decoded in parallel on up to <see cref="Environment.ProcessorCount"/> threads.
    /// </summary>
    /// <exception cref="FileNotFoundException">A file does not exist.</exception>
    /// <exception cref="InvalidDataException">A file cannot be decoded. When several fail, the first of them in list order is reported.</exception>
    public static float[] ReadBatch(IReadOnlyList<LabeledImage> images, ImageInput input)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(input);

        int valuesPerImage = input.ValuesPerImage;
        long length = (long)images.Count * valuesPerImage;
        if (length > Array.MaxLength)
        {
            throw new ArgumentException(
                $"{images.Count} images of {valuesPerImage} values do not fit in one array; read them in smaller batches.", nameof(images));
        }

        var batch = new float[length];
        var failures = new ExceptionDispatchInfo?[images.Count];
        var parallelOptions = new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount };
        Parallel.For(0, images.Count, parallelOptions, (i, loop) =>
        {
            try
            {
                ReadImage(images[i].Path, input, batch.AsSpan(i * valuesPerImage, valuesPerImage));
            }
            catch (Exception error) when (error is InvalidDataException or IOException or UnauthorizedAccessException)
            {
                // Break lets every image before i finish, so the lowest failing index below is the first failure in list order.
                failures[i] = ExceptionDispatchInfo.Capture(error);
                loop.Break();
            }
        });

        foreach (ExceptionDispatchInfo? failure in failures)
        {
            failure?.Throw();
        }

        return batch;
    }

    /// <summary>Decodes, resizes and converts one image into <paramref name="destination"/> (C × H × W values).</summary>
    private static void ReadImage(string path, ImageInput input, Span<float> destination)
    {
        using SKBitmap decoded = Decode(path);
        using SKBitmap? resized = decoded.Width == input.Width && decoded.Height == input.Height ? null : Resize(decoded, input, path);
        SKBitmap pixels = resized ?? decoded;

        WriteChannels(pixels, input, destination);
    }

    /// <summary>
    /// Decodes <paramref name="path"/> into premultiplied RGBA with 8 bits per channel, keeping the file's colour space
    /// so that no colour conversion happens.
    /// </summary>
    internal static SKBitmap Decode(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Image file not found: '{path}'.", path);
        }

        using SKCodec? codec = SKCodec.Create(path, out SKCodecResult openResult);
        if (codec is null)
        {
            throw new InvalidDataException(
                $"Failed to decode image file '{path}' ({openResult}): it is not a PNG, JPEG, BMP, GIF or WebP image SkiaSharp can read.");
        }

        SKImageInfo info = codec.Info.WithColorType(SKColorType.Rgba8888).WithAlphaType(SKAlphaType.Premul);
        var bitmap = new SKBitmap(info);
        SKCodecResult decodeResult = codec.GetPixels(info, bitmap.GetPixels());
        if (decodeResult != SKCodecResult.Success)
        {
            bitmap.Dispose();
            throw new InvalidDataException($"Failed to decode image file '{path}' ({decodeResult}): the file is damaged or truncated.");
        }

        return bitmap;
    }

    private static SKBitmap Resize(SKBitmap source, ImageInput input, string path)
    {
        SKImageInfo info = source.Info.WithSize(input.Width, input.Height);
        var resized = new SKBitmap(info);
        if (!source.ScalePixels(resized, ResizeSampling))
        {
            resized.Dispose();
            throw new InvalidOperationException(
                $"SkiaSharp failed to resize image file '{path}' from {source.Width}×{source.Height} to {input.Width}×{input.Height}.");
        }

        return resized;
    }

    /// <summary>Converts premultiplied RGBA pixels into planar channels, then scales and normalizes them.</summary>
    private static void WriteChannels(SKBitmap pixels, ImageInput input, Span<float> destination)
    {
        ReadOnlySpan<byte> rgba = pixels.GetPixelSpan();
        int rowBytes = pixels.RowBytes;
        int planeLength = input.Width * input.Height;
        float scale = input.Scale;

        // Subtracting 0 and dividing by 1 leave a float unchanged, so the defaults need no separate path.
        Span<float> mean = stackalloc float[input.Channels];
        Span<float> standardDeviation = stackalloc float[input.Channels];
        for (int c = 0; c < input.Channels; c++)
        {
            mean[c] = input.Mean?[c] ?? 0f;
            standardDeviation[c] = input.StandardDeviation?[c] ?? 1f;
        }

        // Source byte offset (0 = R, 1 = G, 2 = B) of each output channel.
        ReadOnlySpan<int> sourceChannel = input.ChannelOrder == ChannelOrder.Bgr ? [2, 1, 0] : [0, 1, 2];

        for (int y = 0; y < input.Height; y++)
        {
            ReadOnlySpan<byte> row = rgba.Slice(y * rowBytes, input.Width * BytesPerPixel);
            for (int x = 0; x < input.Width; x++)
            {
                ReadOnlySpan<byte> pixel = row.Slice(x * BytesPerPixel, BytesPerPixel);
                int offset = y * input.Width + x;
                if (input.Channels == 1)
                {
                    destination[offset] = (Luminance(pixel[0], pixel[1], pixel[2]) * scale - mean[0]) / standardDeviation[0];
                    continue;
                }

                for (int c = 0; c < 3; c++)
                {
                    destination[c * planeLength + offset] = (pixel[sourceChannel[c]] * scale - mean[c]) / standardDeviation[c];
                }
            }
        }
    }

    // ITU-R BT.601 luma weights. In double precision they sum to 1 closely enough that a gray pixel
    // (R = G = B) converts back to exactly its value as a float, for every value from 0 to 255.
    private static float Luminance(byte red, byte green, byte blue) =>
        (float)(0.299 * red + 0.587 * green + 0.114 * blue);
}
