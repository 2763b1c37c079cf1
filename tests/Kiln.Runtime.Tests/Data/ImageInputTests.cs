using Kiln.Data;

namespace Kiln.Runtime.Tests.Data;

public sealed class ImageInputTests
{
    [Fact]
    public void Defaults()
    {
        var input = new ImageInput(224, 160);

        Assert.Equal(3, input.Channels);
        Assert.Equal(ChannelOrder.Rgb, input.ChannelOrder);
        Assert.Equal(1f, input.Scale);
        Assert.Null(input.Mean);
        Assert.Null(input.StandardDeviation);
        Assert.Equal(3 * 160 * 224, input.ValuesPerImage);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(4)]
    public void Channels_Invalid(int channels)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ImageInput(8, 8, channels));
    }

    [Fact]
    public void Size_Invalid()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ImageInput(0, 8));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ImageInput(8, -1));
    }

    [Fact]
    public void Mean_WrongLength()
    {
        var error = Assert.Throws<ArgumentException>(() => new ImageInput(8, 8, channels: 3) { Mean = [1f] });

        Assert.Contains("one value per channel", error.Message);
    }

    [Fact]
    public void StandardDeviation_Zero()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ImageInput(8, 8, channels: 1) { StandardDeviation = [0f] });
    }

    [Fact]
    public void Scale_NotFinite()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ImageInput(8, 8) { Scale = float.NaN });
    }

    [Fact]
    public void Mean_CopiedOnInit()
    {
        float[] mean = [1f, 2f, 3f];
        var input = new ImageInput(8, 8) { Mean = mean };

        mean[0] = 100f;

        Assert.Equal([1f, 2f, 3f], input.Mean);
    }
}
