namespace Kiln.Cpu;

/// <summary>Argument checks shared by the kernels, with messages that name the argument and both lengths.</summary>
internal static class SpanChecks
{
    /// <summary>Throws unless <paramref name="actual"/> equals <paramref name="expected"/>.</summary>
    /// <param name="name">Name of the span argument.</param>
    /// <param name="actual">Length of the span.</param>
    /// <param name="expected">Length that the shape requires.</param>
    /// <param name="shape">How the expected length is formed, for example <c>"Batch×Channels×Spatial = 2×3×4"</c>.</param>
    internal static void RequireLength(string name, int actual, long expected, string shape)
    {
        if (actual != expected)
        {
            throw new ArgumentException($"Invalid length of {name}: expected {expected} floats ({shape}), but got {actual}.", name);
        }
    }

    /// <summary>Throws unless <paramref name="actual"/> is at least <paramref name="expected"/>.</summary>
    internal static void RequireAtLeast(string name, int actual, long expected, string shape)
    {
        if (actual < expected)
        {
            throw new ArgumentException($"Invalid length of {name}: expected at least {expected} floats ({shape}), but got {actual}.", name);
        }
    }

    /// <summary>Throws unless <paramref name="value"/> is positive.</summary>
    internal static void RequirePositive(string name, int value)
    {
        if (value <= 0)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be positive.");
        }
    }

    /// <summary>Throws unless <paramref name="value"/> is zero or positive.</summary>
    internal static void RequireNonNegative(string name, int value)
    {
        if (value < 0)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must not be negative.");
        }
    }
}
