using Kiln.Data;

namespace Kiln.Runtime.Tests.Data;

public sealed class BitmapFontTests
{
    [Fact]
    public void Font_CoversPrintableAscii()
    {
        for (char character = ' '; character <= '~'; character++)
        {
            Assert.True(BitmapFont.HasGlyph(character), $"No glyph for '{character}'.");
        }
    }

    [Fact]
    public void Font_PatternsWellFormed()
    {
        foreach ((char character, string pattern) in BitmapFont.Patterns)
        {
            string[] rows = pattern.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Assert.True(rows.Length <= BitmapFont.GlyphHeight, $"Glyph '{character}' has {rows.Length} rows.");
            Assert.All(rows, row => Assert.Matches("^[#.]{5}$", row));
        }
    }

    [Fact]
    public void Font_GlyphsDistinct()
    {
        string[] patterns = BitmapFont.Patterns.Values.Select(pattern => pattern.TrimEnd('.', ' ')).ToArray();

        Assert.Equal(patterns.Length, patterns.Distinct().Count());
    }

    [Fact]
    public void Font_UnknownCharacterDrawsReplacement()
    {
        for (int row = 0; row < BitmapFont.GlyphHeight; row++)
        {
            for (int column = 0; column < BitmapFont.GlyphWidth; column++)
            {
                Assert.Equal(BitmapFont.IsInk(BitmapFont.Replacement, column, row), BitmapFont.IsInk('é', column, row));
            }
        }
    }
}
