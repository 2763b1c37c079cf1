using Kiln.Data;
using SkiaSharp;

namespace Kiln.Runtime.Tests.Data;

public sealed class MontageTests
{
    private const int TileSize = 160;

    [Fact]
    public void Write_ImageSize()
    {
        using var temporary = new TemporaryFolder();
        string path = temporary.File("montage.png");

        Montage.Write(path, Tiles("bag", "sandal", "sneaker"), TileSize, columns: 2);

        using SKBitmap montage = SKBitmap.Decode(path);
        Assert.Equal(2 * TileSize, montage.Width);
        Assert.Equal(2 * (TitleBandHeight() + TileSize), montage.Height);
        Assert.Equal(Montage.MeasureSize(3, TileSize, 2), (montage.Width, montage.Height));
    }

    [Fact]
    public void Write_FewerTilesThanColumns()
    {
        using var temporary = new TemporaryFolder();
        string path = temporary.File("montage.png");

        Montage.Write(path, Tiles("bag"), TileSize, columns: 4);

        using SKBitmap montage = SKBitmap.Decode(path);
        Assert.Equal(TileSize, montage.Width);
        Assert.Equal(TitleBandHeight() + TileSize, montage.Height);
    }

    [Fact]
    public void Write_DrawsTitle()
    {
        using var temporary = new TemporaryFolder();
        string path = temporary.File("montage.png");

        Montage.Write(path, Tiles("sneaker"), TileSize, columns: 1);

        using SKBitmap montage = SKBitmap.Decode(path);
        Assert.True(CountDarkPixels(montage, TitleBandHeight()) > 50, "The title band should contain dark text pixels.");
    }

    [Fact]
    public void Write_EmptyTitleBlank()
    {
        using var temporary = new TemporaryFolder();
        string path = temporary.File("montage.png");

        Montage.Write(path, [new MontageTile(TestImages.GrayImage, "")], TileSize, columns: 1);

        using SKBitmap montage = SKBitmap.Decode(path);
        Assert.Equal(0, CountDarkPixels(montage, TitleBandHeight()));
    }

    [Fact]
    public void Write_DrawsImage()
    {
        using var temporary = new TemporaryFolder();
        string path = temporary.File("montage.png");

        Montage.Write(path, [new MontageTile(TestImages.Photo("coffee.png"), "coffee")], TileSize, columns: 1);

        using SKBitmap montage = SKBitmap.Decode(path);
        SKColor centre = montage.GetPixel(TileSize / 2, TitleBandHeight() + TileSize / 2);
        Assert.NotEqual(SKColors.White, centre);
    }

    [Fact]
    public void Write_BadImage()
    {
        using var temporary = new TemporaryFolder();
        string bad = temporary.File("bad.png");
        File.WriteAllText(bad, "not an image");

        var error = Assert.Throws<InvalidDataException>(
            () => Montage.Write(temporary.File("montage.png"), [new MontageTile(bad, "bad")]));

        Assert.Contains(bad, error.Message);
    }

    [Fact]
    public void Write_NoTiles()
    {
        using var temporary = new TemporaryFolder();

        Assert.Throws<ArgumentException>(() => Montage.Write(temporary.File("montage.png"), []));
    }

    [Fact]
    public void Write_TileTooSmall()
    {
        using var temporary = new TemporaryFolder();

        Assert.Throws<ArgumentOutOfRangeException>(
            () => Montage.Write(temporary.File("montage.png"), Tiles("bag"), tileSize: Montage.MinTileSize - 1));
    }

    /// <summary>Returns the title band height: the montage of one tile is the band plus the image square.</summary>
    private static int TitleBandHeight() => Montage.MeasureSize(1, TileSize, 1).Height - TileSize;

    private static MontageTile[] Tiles(params string[] labels) =>
        labels.Select(label => new MontageTile(Path.Combine(TestImages.FashionProducts, label, $"{label}_01.png"), label)).ToArray();

    /// <summary>Counts pixels darker than mid-gray in the top <paramref name="bandHeight"/> rows of the first tile.</summary>
    private static int CountDarkPixels(SKBitmap montage, int bandHeight)
    {
        int dark = 0;
        for (int y = 0; y < bandHeight; y++)
        {
            for (int x = 0; x < TileSize; x++)
            {
                SKColor color = montage.GetPixel(x, y);
                if (color.Red < 128 && color.Green < 128 && color.Blue < 128)
                {
                    dark++;
                }
            }
        }

        return dark;
    }
}
