using System;
using System.Linq;
using Kiln.Compiler.Diagnostics;
using Kiln.Compiler.Generate;

namespace Kiln.Compiler.Graph;

/// <summary>Checks that an initializer's stored values match its dims, and decodes small integer tensors for shape folding.</summary>
internal static class InitializerCheck
{
    /// <param name="graph">The model that contains the initializer.</param>
    /// <param name="initializer">The initializer to check.</param>
    /// <param name="embedded">The external data files the build embeds beside the model.</param>
    public static void Validate(OnnxGraph graph, Initializer initializer, ExternalDataFiles embedded)
    {
        if (!ElementTypes.IsKnown((int)initializer.Type))
        {
            throw Invalid(graph, initializer, $"has the unknown element type {(int)initializer.Type}");
        }

        if (initializer.Dims.Any(d => d < 0 || d > int.MaxValue))
        {
            throw Invalid(graph, initializer, $"has the invalid dims {string.Join("×", initializer.Dims)}");
        }

        long count;
        try
        {
            count = initializer.Dims.Aggregate(1L, (p, d) => checked(p * d));
        }
        catch (OverflowException)
        {
            throw Invalid(graph, initializer, $"has dims {string.Join("×", initializer.Dims)} whose element count overflows");
        }

        if (initializer.Storage == TensorStorage.External)
        {
            CheckExternalLocation(graph, initializer);
            ExternalDataCheck.Validate(graph, initializer, count, embedded);
            return;
        }

        long stored = initializer.Storage switch
        {
            TensorStorage.Raw => initializer.ByteLength / Math.Max(1, ElementTypes.Size(initializer.Type)),
            TensorStorage.PackedFloats => initializer.ByteLength / 4,
            _ => initializer.Floats?.Count ?? initializer.Integers?.Count ?? 0,
        };
        bool exact = initializer.Storage != TensorStorage.Raw || initializer.ByteLength % Math.Max(1, ElementTypes.Size(initializer.Type)) == 0;
        if (stored != count || !exact)
        {
            string dims = initializer.Dims.Length == 0 ? "a scalar shape" : $"dims {string.Join("×", initializer.Dims)}";
            throw Invalid(graph, initializer, $"declares {dims} ({count} values) but stores {stored}");
        }
    }

    /// <summary>
    /// Rejects an external-data location that could reach outside the model's folder: an absolute path, a path with
    /// "..", or one that resolves elsewhere. Reading such a path would let a crafted model read any file of the build.
    /// </summary>
    private static void CheckExternalLocation(OnnxGraph graph, Initializer initializer)
    {
        string location = initializer.ExternalLocation ?? string.Empty;
        string folder = System.IO.Path.GetFullPath(System.IO.Path.GetDirectoryName(graph.Path) ?? ".");
        bool escapes = location.Length == 0
            || System.IO.Path.IsPathRooted(location)
            || location.Replace('\\', '/').Split('/').Contains("..");
        if (!escapes)
        {
            string resolved = System.IO.Path.GetFullPath(System.IO.Path.Combine(folder, location));
            escapes = !resolved.StartsWith(folder.TrimEnd(System.IO.Path.DirectorySeparatorChar) + System.IO.Path.DirectorySeparatorChar, StringComparison.Ordinal);
        }

        if (escapes)
        {
            throw new CompilationError(KilnDiagnostics.ExternalDataOutsideModel, graph.FileName, initializer.Name, location);
        }
    }

    /// <summary>The values of an int64, int32 or bool initializer, when the reader kept them; null otherwise.</summary>
    public static long[]? IntegerValues(Initializer initializer)
    {
        if (initializer.Integers is not null)
        {
            return initializer.Integers.ToArray();
        }

        byte[]? raw = initializer.RawBytes;
        if (raw is null)
        {
            return null;
        }

        switch (initializer.Type)
        {
            case ElementType.Int64:
                return Enumerable.Range(0, raw.Length / 8).Select(i => BitConverter.ToInt64(raw, i * 8)).ToArray();
            case ElementType.Int32:
                return Enumerable.Range(0, raw.Length / 4).Select(i => (long)BitConverter.ToInt32(raw, i * 4)).ToArray();
            case ElementType.Bool:
            case ElementType.UInt8:
                return raw.Select(b => (long)b).ToArray();
            default:
                return null;
        }
    }

    private static CompilationError Invalid(OnnxGraph graph, Initializer initializer, string problem) =>
        new CompilationError(KilnDiagnostics.InvalidModel, graph.FileName, $"the initializer '{initializer.Name}' {problem}");
}
