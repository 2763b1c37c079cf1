namespace Kiln.Data;

/// <summary>
/// The pixel layout and value range that a network expects from an image. For each pixel and channel,
/// <see cref="ImageDecoder"/> computes <c>(value × Scale − Mean[c]) / StandardDeviation[c]</c>, where value is 0 to 255.
/// </summary>
/// <remarks>
/// Images are resized to exactly <see cref="Width"/> × <see cref="Height"/>, so the aspect ratio changes when it
/// differs; nothing is cropped. A gray image becomes three equal channels when <see cref="Channels"/> is 3, and a
/// colour image becomes its luminance 0.299 R + 0.587 G + 0.114 B when <see cref="Channels"/> is 1.
/// </remarks>
public sealed class ImageInput
{
    private readonly float _scale = 1f;
    private readonly float[]? _mean;
    private readonly float[]? _standardDeviation;

    /// <summary>Creates an input of <paramref name="width"/> × <paramref name="height"/> pixels and 1 or 3 channels.</summary>
    public ImageInput(int width, int height, int channels = 3)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        if (channels is not (1 or 3))
        {
            throw new ArgumentOutOfRangeException(nameof(channels), channels, "An image input has 1 (gray) or 3 (colour) channels.");
        }

        Width = width;
        Height = height;
        Channels = channels;
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>Number of channels: 1 for gray or 3 for colour.</summary>
    public int Channels { get; }

    /// <summary>Order of the colour channels when <see cref="Channels"/> is 3. Default: <see cref="ChannelOrder.Rgb"/>.</summary>
    public ChannelOrder ChannelOrder { get; init; } = ChannelOrder.Rgb;

    /// <summary>
    /// Multiplier of the 0 to 255 pixel values, applied first. Default: 1, which keeps 0 to 255. A scale of 1/255f gives 0 to 1.
    /// </summary>
    public float Scale
    {
        get => _scale;
        init
        {
            if (!float.IsFinite(value))
            {
                throw new ArgumentOutOfRangeException(nameof(Scale), value, "The scale must be a finite number.");
            }

            _scale = value;
        }
    }

    /// <summary>
    /// Value subtracted from each channel after scaling, in the order of the input tensor's channels
    /// (so B, G, R for <see cref="ChannelOrder.Bgr"/>). Default: null, which subtracts nothing.
    /// </summary>
    public IReadOnlyList<float>? Mean
    {
        get => _mean;
        init => _mean = CheckPerChannel(value, nameof(Mean), mustBePositive: false);
    }

    /// <summary>
    /// Divisor of each channel after the mean is subtracted, in the order of the input tensor's channels,
    /// as in ImageNet normalization. Default: null, which divides by nothing.
    /// </summary>
    public IReadOnlyList<float>? StandardDeviation
    {
        get => _standardDeviation;
        init => _standardDeviation = CheckPerChannel(value, nameof(StandardDeviation), mustBePositive: true);
    }

    /// <summary>Number of floats per image: <see cref="Channels"/> × <see cref="Height"/> × <see cref="Width"/>.</summary>
    public int ValuesPerImage => Channels * Height * Width;

    private float[]? CheckPerChannel(IReadOnlyList<float>? values, string name, bool mustBePositive)
    {
        if (values is null)
        {
            return null;
        }

        if (values.Count != Channels)
        {
            throw new ArgumentException($"{name} has {values.Count} values, but the input has {Channels} channels. Give one value per channel.", name);
        }

        foreach (float value in values)
        {
            if (!float.IsFinite(value) || (mustBePositive && value <= 0))
            {
                string expected = mustBePositive ? "positive finite numbers" : "finite numbers";
                throw new ArgumentOutOfRangeException(name, value, $"The values of {name} must be {expected}.");
            }
        }

        return values.ToArray();
    }
}
