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

        // "G9" always round-trips a float, on every runtime that may host the compiler.
        string text = value.ToString("G9", CultureInfo.InvariantCulture);
        return text + "f";
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
