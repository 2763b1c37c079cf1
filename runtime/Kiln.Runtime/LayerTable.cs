using System.Globalization;
using System.Text;

namespace Kiln;

/// <summary>Formats a network's layers as a text table, for the generated <c>Describe()</c>.</summary>
public static class LayerTable
{
    /// <summary>One line per layer: index, name, operator, output shape and parameter count, then the totals.</summary>
    public static string Format(NetworkDefinition network)
    {
        ArgumentNullException.ThrowIfNull(network);
        string[] headers = ["#", "Layer", "Operator", "Output shape", "Parameters"];
        var rows = new List<string[]>();
        long totalParameters = 0;
        foreach (Layer layer in network.Layers)
        {
            rows.Add(
            [
                layer.Index.ToString(CultureInfo.InvariantCulture),
                layer.Name,
                layer.Operator,
                string.Join("×", layer.Shape),
                layer.ParameterCount.ToString("N0", CultureInfo.InvariantCulture),
            ]);
            totalParameters += layer.ParameterCount;
        }

        int[] widths = new int[headers.Length];
        for (int column = 0; column < headers.Length; column++)
        {
            widths[column] = Math.Max(headers[column].Length, rows.Count == 0 ? 0 : rows.Max(row => row[column].Length));
        }

        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{network.ClassName}, compiled from {network.ModelFile}: {network.Layers.Count} layers, ");
        text.Append(CultureInfo.InvariantCulture, $"{totalParameters:N0} parameters, {Size(network.ArenaLength * 4L)} of working memory (activations and kernel workspace) per observation");
        text.AppendLine();
        AppendRow(text, headers, widths);
        AppendRow(text, widths.Select(width => new string('-', width)).ToArray(), widths);
        foreach (string[] row in rows)
        {
            AppendRow(text, row, widths);
        }

        return text.ToString();
    }

    private static void AppendRow(StringBuilder text, string[] cells, int[] widths)
    {
        for (int column = 0; column < cells.Length; column++)
        {
            bool rightAligned = column == 0 || column == cells.Length - 1;
            string cell = rightAligned ? cells[column].PadLeft(widths[column]) : cells[column].PadRight(widths[column]);
            text.Append(cell);
            text.Append(column == cells.Length - 1 ? string.Empty : "  ");
        }

        text.AppendLine();
    }

    /// <summary>A byte count as KiB below one MiB and as MiB above, so that small networks do not read as 0.0 MiB.</summary>
    private static string Size(long bytes) => bytes < 1024 * 1024
        ? string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:F1} KiB")
        : string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0 / 1024.0:F1} MiB");
}
