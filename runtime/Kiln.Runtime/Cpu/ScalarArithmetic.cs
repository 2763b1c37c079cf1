using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Kiln.Cpu;

/// <summary>Element-wise arithmetic with one scalar operand.</summary>
public static class ScalarArithmetic
{
    /// <summary>Computes y[i] = x[i] / divisor, an IEEE division. <paramref name="y"/> may be the same span as <paramref name="x"/>.</summary>
    /// <param name="x">Dividends.</param>
    /// <param name="divisor">Divisor.</param>
    /// <param name="y">Output, as long as <paramref name="x"/>.</param>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    public static void Divide(ReadOnlySpan<float> x, float divisor, Span<float> y)
    {
        SpanChecks.RequireLength(nameof(y), y.Length, x.Length, "the length of x");
        int length = x.Length;
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> divisors = Vector256.Create(divisor);
            ref float xOrigin = ref MemoryMarshal.GetReference(x);
            ref float yOrigin = ref MemoryMarshal.GetReference(y);
            for (; i <= length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                (Vector256.LoadUnsafe(ref xOrigin, (nuint)i) / divisors).StoreUnsafe(ref yOrigin, (nuint)i);
            }
        }

        for (; i < length; i++)
        {
            y[i] = x[i] / divisor;
        }
    }
}
