using System.Globalization;
using System.IO;
using Kiln.Compiler.Diagnostics;
using Kiln.Compiler.Generate;

namespace Kiln.Compiler.Graph;

/// <summary>
/// Checks an initializer whose values lie in an external file: the file exists, the build embeds it, and the byte
/// range fits in it and contains exactly the values the dims declare. Float weights are not read here, because the
/// generated code views them in the embedded file at run time. Only small constants are read, for shape inference.
/// </summary>
internal static class ExternalDataCheck
{
    /// <summary>Non-float values up to this size are read, so that shape tensors and axes can be folded at build time.</summary>
    private const int MaxInlineBytes = 1 << 16;

    /// <summary>Float values up to this size are read too, for constants such as Resize's scales. Larger float tensors are weights.</summary>
    private const int MaxInlineFloatBytes = 64;

    public static void Validate(OnnxGraph graph, Initializer initializer, long count, ExternalDataFiles embedded)
    {
        string location = initializer.ExternalLocation ?? string.Empty;
        string folder = Path.GetDirectoryName(Path.GetFullPath(graph.Path)) ?? ".";
        var file = new FileInfo(Path.Combine(folder, location));
        if (!file.Exists)
        {
            throw new CompilationError(KilnDiagnostics.ExternalDataNotFound, graph.FileName, initializer.Name, location, file.FullName);
        }

        string? resource = embedded.ResourceName(location);
        if (resource is null)
        {
            throw new CompilationError(KilnDiagnostics.ExternalDataNotEmbedded, graph.FileName, initializer.Name, location, string.Join(";", embedded.Locations));
        }

        long offset = initializer.Offset;
        long length = initializer.ByteLength < 0 ? file.Length - offset : initializer.ByteLength;
        if (offset > file.Length || length < 0 || length > file.Length - offset)
        {
            string range = initializer.ByteLength < 0 ? $"from byte {offset} to the end" : $"bytes {offset} to {offset + length}";
            throw new CompilationError(KilnDiagnostics.ExternalDataOutsideFile, graph.FileName, initializer.Name, range, location, Text(file.Length));
        }

        long expected = count * ElementTypes.Size(initializer.Type);
        if (length != expected)
        {
            string dims = initializer.Dims.Length == 0 ? "a scalar shape" : $"dims {string.Join("×", initializer.Dims)}";
            throw new CompilationError(KilnDiagnostics.ExternalDataLengthMismatch, graph.FileName, initializer.Name, Text(length), location, dims, Text(count), ElementTypes.Name(initializer.Type), Text(expected));
        }

        // NOTE: the generator caches on the model file's hash, not the external file's, so a host that keeps its cache between
        // builds (an IDE) may keep code made for an older external file. The generated code's length check then reports it at run time.
        initializer.ByteLength = length;
        initializer.ExternalFileLength = file.Length;
        initializer.ExternalResourceName = resource;
        if (length <= (initializer.Type == ElementType.Float ? MaxInlineFloatBytes : MaxInlineBytes))
        {
            try
            {
                initializer.RawBytes = ReadRange(file.FullName, offset, (int)length);
            }
            catch (IOException exception)
            {
                throw new CompilationError(KilnDiagnostics.UnreadableModel, graph.FileName, $"reading the external data of the initializer '{initializer.Name}' failed: {exception.Message}");
            }
        }
    }

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static byte[] ReadRange(string path, long offset, int length)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        stream.Seek(offset, SeekOrigin.Begin);
        byte[] bytes = new byte[length];
        int read = 0;
        while (read < length)
        {
            int chunk = stream.Read(bytes, read, length - read);
            if (chunk == 0)
            {
                throw new IOException($"{path} ended at byte {offset + read}, before the {length} bytes the model names");
            }

            read += chunk;
        }

        return bytes;
    }
}
