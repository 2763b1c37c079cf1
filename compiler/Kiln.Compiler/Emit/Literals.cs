using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis.CSharp;

namespace Kiln.Compiler.Emit;

/// <summary>C# literals and identifiers for generated code, independent of the build machine's culture.</summary>
internal static class Literals
{
    /// <summary>A float literal that reads back to the same bits; NaN, infinities and negative zero spelled out.</summary>
    public static string Float(float value)
    {
        if (float.IsNaN(value))
        {
            return "float.NaN";
        }

        if (float.IsPositiveInfinity(value))
        {
            return "float.PositiveInfinity";
        }

        if (float.IsNegativeInfinity(value))
        {
            return "float.NegativeInfinity";
        }

        if (value == 0 && float.IsNegativeInfinity(1 / value))
        {
            return "-0f";
        }

        // The shortest of G1 to G9 that reads back as the same float, so that 1e-5 is written 1E-05f rather than
        // 9.99999975E-06f. G9 always round-trips, on every runtime that may host the compiler, so the loop ends there.
        for (int digits = 1; digits < 9; digits++)
        {
            // TryParse, because .NET Framework may reject text just past float.MaxValue that newer runtimes round to it.
            string shorter = value.ToString("G" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
            if (float.TryParse(shorter, NumberStyles.Float, CultureInfo.InvariantCulture, out float parsed) && parsed == value)
            {
                return shorter + "f";
            }
        }

        return value.ToString("G9", CultureInfo.InvariantCulture) + "f";
    }

    public static string Int(long value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Bool(bool value) => value ? "true" : "false";

    public static string String(string value) => SymbolDisplay.FormatLiteral(value, quote: true);

    public static string IntArray(IEnumerable<int> values) => "[" + string.Join(", ", values.Select(v => Int(v))) + "]";

    /// <summary>Turns an ONNX name into a valid C# identifier: other characters become '_', a leading digit gets a '_' prefix, keywords get '@'.</summary>
    public static string Identifier(string name)
    {
        var text = new StringBuilder(name.Length + 1);
        foreach (char c in name)
        {
            text.Append(char.IsLetterOrDigit(c) || c == '_' ? c : '_');
        }

        if (text.Length == 0 || char.IsDigit(text[0]))
        {
            text.Insert(0, '_');
        }

        string identifier = text.ToString();
        return SyntaxFacts.GetKeywordKind(identifier) != SyntaxKind.None ? "@" + identifier : identifier;
    }
}
