using System;
using System.Collections.Generic;
using System.Globalization;
using Kiln.Compiler.Diagnostics;

namespace Kiln.Compiler.Generate;

/// <summary>Reads the Dimensions option: values for symbolic input dimensions, written as <c>name=value</c> pairs separated by commas.</summary>
internal static class DimensionValues
{
    /// <summary>The values by dimension name; empty when <paramref name="text"/> is null or blank.</summary>
    /// <exception cref="CompilationError">KLN0020 when a pair is malformed, a value is not a positive integer, or a name repeats.</exception>
    public static Dictionary<string, int> Parse(string? text, string modelFileName)
    {
        var values = new Dictionary<string, int>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(text))
        {
            return values;
        }

        foreach (string pair in text!.Split(','))
        {
            int equals = pair.IndexOf('=');
            if (equals < 0)
            {
                throw Invalid(text, modelFileName, $"'{pair.Trim()}' is not a name=value pair");
            }

            string name = pair.Substring(0, equals).Trim();
            string valueText = pair.Substring(equals + 1).Trim();
            if (name.Length == 0)
            {
                throw Invalid(text, modelFileName, $"'{pair.Trim()}' has no dimension name before '='");
            }

            if (!int.TryParse(valueText, NumberStyles.None, CultureInfo.InvariantCulture, out int value) || value <= 0)
            {
                throw Invalid(text, modelFileName, $"'{valueText}' is not a positive integer");
            }

            if (values.ContainsKey(name))
            {
                throw Invalid(text, modelFileName, $"the dimension '{name}' is given more than once");
            }

            values[name] = value;
        }

        return values;
    }

    public static CompilationError Invalid(string text, string modelFileName, string problem) =>
        new CompilationError(KilnDiagnostics.InvalidDimensions, text, modelFileName, problem);
}
