using System.Runtime.CompilerServices;

namespace Kiln.Cpu;

/// <summary>Argument checks shared by the kernels, with messages that name the argument and both lengths.</summary>
internal static class SpanChecks
{
    /// <summary>Throws unless <paramref name="actual"/> equals <paramref name="expected"/>.</summary>
    /// <param name="name">Name of the span argument.</param>
    /// <param name="actual">Length of the span.</param>
    /// <param name="expected">Length that the shape requires.</param>
    /// <param name="shape">How the expected length is formed, for example <c>"Batch×Channels×Spatial = 2×3×4"</c>.</param>
    internal static void RequireLength(
        string name, int actual, long expected, [InterpolatedStringHandlerArgument("actual", "expected")] ref ShapeForLength shape)
    {
        if (actual != expected)
        {
            throw new ArgumentException($"Invalid length of {name}: expected {expected} floats ({shape.ToStringAndClear()}), but got {actual}.", name);
        }
    }

    /// <summary>Throws unless <paramref name="actual"/> equals <paramref name="expected"/>; <paramref name="shape"/> is a constant description.</summary>
    internal static void RequireLength(string name, int actual, long expected, string shape)
    {
        if (actual != expected)
        {
            throw new ArgumentException($"Invalid length of {name}: expected {expected} floats ({shape}), but got {actual}.", name);
        }
    }

    /// <summary>Throws unless <paramref name="actual"/> is at least <paramref name="expected"/>; <paramref name="shape"/> is a constant description.</summary>
    internal static void RequireAtLeast(string name, int actual, long expected, string shape)
    {
        if (actual < expected)
        {
            throw new ArgumentException($"Invalid length of {name}: expected at least {expected} floats ({shape}), but got {actual}.", name);
        }
    }

    /// <summary>Throws unless <paramref name="actual"/> is at least <paramref name="expected"/>.</summary>
    internal static void RequireAtLeast(
        string name, int actual, long expected, [InterpolatedStringHandlerArgument("actual", "expected")] ref ShapeForMinimum shape)
    {
        if (actual < expected)
        {
            throw new ArgumentException($"Invalid length of {name}: expected at least {expected} floats ({shape.ToStringAndClear()}), but got {actual}.", name);
        }
    }

    /// <summary>Throws unless <paramref name="value"/> is positive.</summary>
    /// <param name="name">Name of the value: an argument, or a field of <paramref name="owner"/>.</param>
    /// <param name="value">The value.</param>
    /// <param name="owner">The argument that has the value as a field, such as <c>"geometry"</c>, or null when the value is an argument itself.</param>
    internal static void RequirePositive(string name, int value, string? owner = null)
    {
        if (value <= 0)
        {
            throw new ArgumentOutOfRangeException(owner ?? name, value, $"{Prefix(owner)}{name} must be positive.");
        }
    }

    /// <summary>Throws unless <paramref name="value"/> is zero or positive.</summary>
    /// <param name="name">Name of the value: an argument, or a field of <paramref name="owner"/>.</param>
    /// <param name="value">The value.</param>
    /// <param name="owner">The argument that has the value as a field, such as <c>"geometry"</c>, or null when the value is an argument itself.</param>
    internal static void RequireNonNegative(string name, int value, string? owner = null)
    {
        if (value < 0)
        {
            throw new ArgumentOutOfRangeException(owner ?? name, value, $"{Prefix(owner)}{name} must not be negative.");
        }
    }

    private static string Prefix(string? owner) => owner is null ? "" : $"Invalid {owner}: ";
}

/// <summary>
/// The shape text of a <c>SpanChecks.RequireLength</c> call, formatted only when the lengths differ, so that
/// checks that pass allocate nothing on the kernels' hot path.
/// </summary>
[InterpolatedStringHandler]
internal ref struct ShapeForLength
{
    private DefaultInterpolatedStringHandler _text;
    private readonly bool _failed;

    public ShapeForLength(int literalLength, int formattedCount, int actual, long expected, out bool shouldAppend)
    {
        _failed = actual != expected;
        shouldAppend = _failed;
        _text = _failed ? new DefaultInterpolatedStringHandler(literalLength, formattedCount) : default;
    }

    public void AppendLiteral(string value) => _text.AppendLiteral(value);

    public void AppendFormatted<T>(T value) => _text.AppendFormatted(value);

    public void AppendFormatted<T>(T value, string? format) => _text.AppendFormatted(value, format);

    public string ToStringAndClear() => _failed ? _text.ToStringAndClear() : string.Empty;
}

/// <summary>The shape text of a <c>SpanChecks.RequireAtLeast</c> call, formatted only when the span is too short.</summary>
[InterpolatedStringHandler]
internal ref struct ShapeForMinimum
{
    private DefaultInterpolatedStringHandler _text;
    private readonly bool _failed;

    public ShapeForMinimum(int literalLength, int formattedCount, int actual, long expected, out bool shouldAppend)
    {
        _failed = actual < expected;
        shouldAppend = _failed;
        _text = _failed ? new DefaultInterpolatedStringHandler(literalLength, formattedCount) : default;
    }

    public void AppendLiteral(string value) => _text.AppendLiteral(value);

    public void AppendFormatted<T>(T value) => _text.AppendFormatted(value);

    public void AppendFormatted<T>(T value, string? format) => _text.AppendFormatted(value, format);

    public string ToStringAndClear() => _failed ? _text.ToStringAndClear() : string.Empty;
}
