using SkiaSharp;

namespace Kiln.Data;

/// <summary>
/// Draws images in a grid, each under its title, on a white background, and saves the grid as a PNG file.
/// </summary>
/// <remarks>
/// Each tile is <c>tileSize</c> pixels wide and consists of a title band followed by a square of <c>tileSize</c>
/// pixels that contains the image, scaled to fit with its aspect ratio kept and centred. Titles are drawn with a
/// built-in 5 × 9 pixel font, so they appear whether or not the machine has any font installed. A title takes at most
/// <see cref="TitleLines"/> lines: it wraps at spaces, and a longer title ends in "...".
/// </remarks>
public static class Montage
{
    /// <summary>Number of text lines in each tile's title band.</summary>
    public const int TitleLines = 2;

    /// <summary>Smallest tile size, which still fits four characters per title line.</summary>
    public const int MinTileSize = 32;

    private static readonly SKColor Background = SKColors.White;
    private static readonly SKColor TextColor = new(0x20, 0x20, 0x20);

    /// <summary>Returns the size in pixels of the PNG that <see cref="Write"/> draws for <paramref name="tileCount"/> tiles.</summary>
    public static (int Width, int Height) MeasureSize(int tileCount, int tileSize = 160, int columns = 2)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(tileCount, 1);
        var layout = new TileLayout(tileSize);
        int usedColumns = Math.Min(CheckColumns(columns), tileCount);
        int rows = (tileCount + usedColumns - 1) / usedColumns;

        long width = (long)usedColumns * layout.TileSize;
        long height = (long)rows * layout.TileHeight;
        if (width * height > int.MaxValue / 4)
        {
            throw new ArgumentException(
                $"A montage of {tileCount} tiles of {tileSize} pixels would be {width}×{height} pixels, too large for one image; " +
                "use fewer tiles or a smaller tile size.", nameof(tileCount));
        }

        return ((int)width, (int)height);
    }

    /// <summary>
    /// Draws <paramref name="tiles"/> left to right, top to bottom in <paramref name="columns"/> columns, and saves the
    /// grid as a PNG at <paramref name="pngPath"/>, replacing any file there. With fewer tiles than columns, the grid
    /// is only as wide as the tiles.
    /// </summary>
    /// <param name="pngPath">Path of the PNG file to write. Its folder must exist.</param>
    /// <param name="tiles">Images and their titles.</param>
    /// <param name="tileSize">Width of each tile and side of its image square, in pixels; at least <see cref="MinTileSize"/>.</param>
    /// <param name="columns">Number of tiles per row.</param>
    /// <exception cref="FileNotFoundException">An image file does not exist.</exception>
    /// <exception cref="InvalidDataException">An image file cannot be decoded.</exception>
    public static void Write(string pngPath, IReadOnlyList<MontageTile> tiles, int tileSize = 160, int columns = 2)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pngPath);
        ArgumentNullException.ThrowIfNull(tiles);
        if (tiles.Count == 0)
        {
            throw new ArgumentException("A montage needs at least one tile.", nameof(tiles));
        }

        (int width, int height) = MeasureSize(tiles.Count, tileSize, columns);
        var layout = new TileLayout(tileSize);
        int usedColumns = Math.Min(columns, tiles.Count);

        using var montage = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(montage))
        {
            canvas.Clear(Background);
            for (int i = 0; i < tiles.Count; i++)
            {
                MontageTile tile = tiles[i] ?? throw new ArgumentException($"Tile {i} is null.", nameof(tiles));
                int left = i % usedColumns * layout.TileSize;
                int top = i / usedColumns * layout.TileHeight;
                DrawTitle(canvas, tile.Title ?? "", layout, left, top);
                DrawImage(canvas, tile.ImagePath, layout, left, top + layout.TitleBandHeight);
            }
        }

        using FileStream file = File.Create(pngPath);
        if (!montage.Encode(file, SKEncodedImageFormat.Png, 100))
        {
            throw new IOException($"SkiaSharp failed to encode the montage as PNG for '{pngPath}'.");
        }
    }

    private static void DrawTitle(SKCanvas canvas, string title, TileLayout layout, int left, int top)
    {
        IReadOnlyList<string> lines = TitleWrapper.Wrap(title, layout.CharactersPerLine, TitleLines);
        int pixel = layout.FontScale;
        int lineHeight = BitmapFont.LineHeight * pixel;

        // The block of lines is centred vertically in the band. A line's height includes one blank row below it.
        int textTop = top + (layout.TitleBandHeight - lines.Count * lineHeight + pixel) / 2;

        using var paint = new SKPaint { Color = TextColor, IsAntialias = false, Style = SKPaintStyle.Fill };
        for (int line = 0; line < lines.Count; line++)
        {
            string text = lines[line];
            int textWidth = text.Length * BitmapFont.Advance * pixel - pixel;
            int x = left + (layout.TileSize - textWidth) / 2;
            int y = textTop + line * lineHeight;
            foreach (char character in text)
            {
                DrawGlyph(canvas, paint, character, x, y, pixel);
                x += BitmapFont.Advance * pixel;
            }
        }
    }

    private static void DrawGlyph(SKCanvas canvas, SKPaint paint, char character, int left, int top, int pixel)
    {
        for (int row = 0; row < BitmapFont.GlyphHeight; row++)
        {
            for (int column = 0; column < BitmapFont.GlyphWidth; column++)
            {
                if (BitmapFont.IsInk(character, column, row))
                {
                    canvas.DrawRect(SKRect.Create(left + column * pixel, top + row * pixel, pixel, pixel), paint);
                }
            }
        }
    }

    private static void DrawImage(SKCanvas canvas, string imagePath, TileLayout layout, int left, int top)
    {
        ArgumentNullException.ThrowIfNull(imagePath);
        using SKBitmap bitmap = ImageDecoder.Decode(imagePath);
        using SKImage image = SKImage.FromBitmap(bitmap);

        int box = layout.TileSize - 2 * layout.Margin;
        float scale = Math.Min((float)box / bitmap.Width, (float)box / bitmap.Height);
        float drawnWidth = bitmap.Width * scale;
        float drawnHeight = bitmap.Height * scale;
        SKRect destination = SKRect.Create(
            left + (layout.TileSize - drawnWidth) / 2,
            top + (layout.TileSize - drawnHeight) / 2,
            drawnWidth,
            drawnHeight);

        // An image enlarged two times or more shows its pixels as squares instead of a blur, like the input a network
        // receives. Other images are filtered with mipmaps.
        SKSamplingOptions sampling = scale >= 2
            ? new SKSamplingOptions(SKFilterMode.Nearest)
            : new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear);
        canvas.DrawImage(image, destination, sampling);
    }

    private static int CheckColumns(int columns)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        return columns;
    }

    /// <summary>Pixel sizes of one tile, derived from its width.</summary>
    private readonly struct TileLayout
    {
        public TileLayout(int tileSize)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(tileSize, MinTileSize);
            TileSize = tileSize;

            // One font pixel per 80 tile pixels: 5 × 9 glyphs drawn 10 × 18 pixels in the default 160-pixel tile.
            FontScale = Math.Max(1, tileSize / 80);
            Margin = 2 * FontScale;
            TitleBandHeight = 2 * Margin + TitleLines * BitmapFont.LineHeight * FontScale;
            CharactersPerLine = (tileSize - 2 * Margin + FontScale) / (BitmapFont.Advance * FontScale);
        }

        public int TileSize { get; }

        public int FontScale { get; }

        public int Margin { get; }

        public int TitleBandHeight { get; }

        public int TileHeight => TitleBandHeight + TileSize;

        public int CharactersPerLine { get; }
    }
}
