using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.InteropServices;

namespace Kiln;

/// <summary>
/// An ONNX model file, or one of its external data files, embedded in an assembly as a manifest resource and read in
/// place: generated code stores the byte offset of every weight and views it as a span of floats, with no parsing and no copy.
/// </summary>
public sealed unsafe class ModelWeights
{
    private static readonly ConcurrentDictionary<(Assembly Assembly, string Resource), ModelWeights> Loaded = new();

    private readonly byte* _start;
    private readonly long _length;

    // Keeps the resource stream (and so its memory) alive for as long as the weights are used.
    private readonly Stream _stream;

    private ModelWeights(Stream stream, byte* start, long length)
    {
        _stream = stream;
        _start = start;
        _length = length;
    }

    /// <summary>Length of the model file in bytes.</summary>
    public long Length => _length;

    /// <summary>
    /// Opens the model embedded as <paramref name="resourceName"/> in <paramref name="assembly"/>, once per process.
    /// </summary>
    /// <param name="assembly">The assembly that contains the generated network class.</param>
    /// <param name="resourceName">The manifest resource name Kiln's build targets gave the model.</param>
    /// <param name="expectedLength">The model's length in bytes when it was compiled, to catch a stale resource.</param>
    public static ModelWeights FromManifestResource(Assembly assembly, string resourceName, long expectedLength)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        ArgumentNullException.ThrowIfNull(resourceName);
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("ONNX stores weights little-endian; Kiln reads them in place, so it needs a little-endian processor.");
        }

        ModelWeights weights = Loaded.GetOrAdd((assembly, resourceName), key => Open(key.Assembly, key.Resource));
        if (weights.Length != expectedLength)
        {
            throw new InvalidOperationException(
                $"The embedded file '{resourceName}' in {assembly.GetName().Name} has {weights.Length} bytes, but the code was " +
                $"generated from a file of {expectedLength} bytes. Rebuild the project so that both come from the same files.");
        }

        return weights;
    }

    /// <summary>Views <paramref name="count"/> little-endian floats starting at byte <paramref name="offset"/> of the model file.</summary>
    public ReadOnlySpan<float> Floats(long offset, int count)
    {
        if (offset < 0 || count < 0 || offset + ((long)count * sizeof(float)) > _length)
        {
            throw new ArgumentOutOfRangeException(
                nameof(offset), $"Bytes {offset} to {offset + ((long)count * sizeof(float))} lie outside the model's {_length} bytes.");
        }

        return new ReadOnlySpan<float>(_start + offset, count);
    }

    private static ModelWeights Open(Assembly assembly, string resourceName)
    {
        Stream stream = assembly.GetManifestResourceStream(resourceName)
            ?? throw new InvalidOperationException(
                $"{assembly.GetName().Name} has no embedded resource '{resourceName}'. Kiln's build targets embed every " +
                "AdditionalFiles item ending in .onnx and its external data files; check that the model is listed as AdditionalFiles " +
                "and that Kiln.targets is imported.");

        if (stream is UnmanagedMemoryStream unmanaged)
        {
            return new ModelWeights(stream, unmanaged.PositionPointer, unmanaged.Length);
        }

        // A resource that is not mapped memory (an unusual host) is copied once into native memory that lives as long as the process.
        long length = stream.Length;
        byte* copy = (byte*)NativeMemory.AlignedAlloc((nuint)Math.Max(length, 1), 64);
        using (var target = new UnmanagedMemoryStream(copy, 0, length, FileAccess.Write))
        {
            stream.CopyTo(target);
        }

        return new ModelWeights(stream, copy, length);
    }
}
