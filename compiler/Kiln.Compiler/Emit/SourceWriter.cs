using System;
using System.Text;

namespace Kiln.Compiler.Emit;

/// <summary>Builds C# source text with managed indentation; blocks are opened and closed by a disposable, never by counting braces.</summary>
internal sealed class SourceWriter
{
    private const string IndentUnit = "    ";
    private readonly StringBuilder _text = new StringBuilder();
    private int _indent;

    public SourceWriter(int indent = 0)
    {
        _indent = indent;
    }

    public void Line(string line = "")
    {
        if (line.Length > 0)
        {
            for (int i = 0; i < _indent; i++)
            {
                _text.Append(IndentUnit);
            }

            _text.Append(line);
        }

        _text.Append('\n');
    }

    /// <summary>Writes <paramref name="header"/>, an opening brace, and indents until the returned block is disposed.</summary>
    public Block Open(string header, string closing = "}")
    {
        Line(header);
        Line("{");
        _indent++;
        return new Block(this, closing);
    }

    /// <summary>Appends text written by another writer, as it is.</summary>
    public void Append(SourceWriter other) => _text.Append(other._text);

    /// <summary>Writes each line of <paramref name="text"/> as a <c>//</c> comment.</summary>
    public void Comment(string text)
    {
        foreach (string line in text.Split(LineBreaks))
        {
            Line("// " + line.TrimEnd());
        }
    }

    /// <summary>Writes a one-paragraph XML documentation summary.</summary>
    public void Summary(string text)
    {
        Line("/// <summary>" + Escape(OneLine(text)) + "</summary>");
    }

    /// <summary>
    /// <paramref name="text"/> with every character that ends a C# line replaced by a space, so that names read from
    /// a model cannot end a comment early and turn the rest of it into code.
    /// </summary>
    public static string OneLine(string text) => string.Join(" ", text.Split(LineBreaks));

    /// <summary>The characters that end a line in C# source.</summary>
    private static readonly char[] LineBreaks = { '\n', '\r', '\u0085', '\u2028', '\u2029' };

    public static string Escape(string text) =>
        text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");

    public override string ToString() => _text.ToString();

    internal readonly struct Block : IDisposable
    {
        private readonly SourceWriter _writer;
        private readonly string _closing;

        public Block(SourceWriter writer, string closing)
        {
            _writer = writer;
            _closing = closing;
        }

        public void Dispose()
        {
            _writer._indent--;
            _writer.Line(_closing);
        }
    }
}
