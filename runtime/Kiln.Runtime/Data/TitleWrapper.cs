using System.Text;

namespace Kiln.Data;

/// <summary>Breaks a title into lines of at most a given number of characters, for <see cref="Montage"/>.</summary>
internal static class TitleWrapper
{
    private const string Ellipsis = "...";

    /// <summary>
    /// Wraps <paramref name="title"/> at spaces into lines of at most <paramref name="lineLength"/> characters.
    /// A newline in the title starts a new line, and a word longer than a line is cut. When more than
    /// <paramref name="maxLines"/> lines result, the last line kept ends in "...". Characters outside printable ASCII
    /// become '?'.
    /// </summary>
    public static IReadOnlyList<string> Wrap(string title, int lineLength, int maxLines)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(lineLength, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLines, 1);

        var lines = new List<string>();
        foreach (string paragraph in title.ReplaceLineEndings("\n").Split('\n'))
        {
            WrapParagraph(ToPrintable(paragraph), lineLength, lines);
        }

        if (lines.Count <= maxLines)
        {
            return lines;
        }

        lines.RemoveRange(maxLines, lines.Count - maxLines);
        lines[^1] = AppendEllipsis(lines[^1], lineLength);
        return lines;
    }

    private static void WrapParagraph(string paragraph, int lineLength, List<string> lines)
    {
        var line = new StringBuilder();
        foreach (string word in paragraph.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            int needed = line.Length == 0 ? word.Length : line.Length + 1 + word.Length;
            if (needed <= lineLength)
            {
                line.Append(line.Length == 0 ? "" : " ").Append(word);
                continue;
            }

            if (line.Length > 0)
            {
                lines.Add(line.ToString());
                line.Clear();
            }

            // A word longer than a line is cut into pieces of a full line each.
            string rest = word;
            while (rest.Length > lineLength)
            {
                lines.Add(rest[..lineLength]);
                rest = rest[lineLength..];
            }

            line.Append(rest);
        }

        if (line.Length > 0)
        {
            lines.Add(line.ToString());
        }
    }

    private static string AppendEllipsis(string line, int lineLength)
    {
        if (lineLength <= Ellipsis.Length)
        {
            return Ellipsis[..lineLength];
        }

        int keep = Math.Min(line.Length, lineLength - Ellipsis.Length);
        return line[..keep].TrimEnd() + Ellipsis;
    }

    private static string ToPrintable(string text)
    {
        var printable = new StringBuilder(text.Length);
        foreach (char character in text)
        {
            printable.Append(character == '\t' ? ' ' : BitmapFont.HasGlyph(character) ? character : BitmapFont.Replacement);
        }

        return printable.ToString();
    }
}
