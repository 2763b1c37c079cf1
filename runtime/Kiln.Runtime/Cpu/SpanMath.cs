using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Kiln.Cpu;

/// <summary>Vectorized reductions and element-wise helpers shared by the kernels.</summary>
internal static class SpanMath
{
    /// <summary>
    /// Returns a·b + c, fused into one rounding where the machine has FMA, otherwise with two roundings
    /// (Vector256.FusedMultiplyAdd would emulate the fused form in software, element by element).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<float> MultiplyAdd(Vector256<float> a, Vector256<float> b, Vector256<float> c) =>
        Fma.IsSupported ? Fma.MultiplyAdd(a, b, c) : a * b + c;

    /// <summary>Returns the dot product of two spans of equal length.</summary>
    internal static float Dot(ReadOnlySpan<float> left, ReadOnlySpan<float> right)
    {
        if (right.Length != left.Length)
        {
            throw new ArgumentException($"Invalid length of right: expected {left.Length} floats (the length of left), but got {right.Length}.", nameof(right));
        }

        int length = left.Length;
        int i = 0;
        float sum = 0f;
        if (Vector256.IsHardwareAccelerated && length >= Vector256<float>.Count)
        {
            ref float leftOrigin = ref MemoryMarshal.GetReference(left);
            ref float rightOrigin = ref MemoryMarshal.GetReference(right);
            Vector256<float> sum0 = Vector256<float>.Zero;
            Vector256<float> sum1 = Vector256<float>.Zero;
            for (; i <= length - 2 * Vector256<float>.Count; i += 2 * Vector256<float>.Count)
            {
                sum0 = MultiplyAdd(Vector256.LoadUnsafe(ref leftOrigin, (nuint)i), Vector256.LoadUnsafe(ref rightOrigin, (nuint)i), sum0);
                sum1 = MultiplyAdd(
                    Vector256.LoadUnsafe(ref leftOrigin, (nuint)(i + Vector256<float>.Count)),
                    Vector256.LoadUnsafe(ref rightOrigin, (nuint)(i + Vector256<float>.Count)),
                    sum1);
            }

            for (; i <= length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                sum0 = MultiplyAdd(Vector256.LoadUnsafe(ref leftOrigin, (nuint)i), Vector256.LoadUnsafe(ref rightOrigin, (nuint)i), sum0);
            }

            sum = Vector256.Sum(sum0 + sum1);
        }

        for (; i < length; i++)
        {
            sum += left[i] * right[i];
        }

        return sum;
    }

    /// <summary>Returns the sum of <paramref name="values"/>, in eight interleaved partial sums where Vector256 is accelerated.</summary>
    internal static float Sum(ReadOnlySpan<float> values)
    {
        int i = 0;
        float sum = 0f;
        if (Vector256.IsHardwareAccelerated && values.Length >= Vector256<float>.Count)
        {
            ref float origin = ref MemoryMarshal.GetReference(values);
            Vector256<float> sums = Vector256<float>.Zero;
            for (; i <= values.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                sums += Vector256.LoadUnsafe(ref origin, (nuint)i);
            }

            sum = Vector256.Sum(sums);
        }

        for (; i < values.Length; i++)
        {
            sum += values[i];
        }

        return sum;
    }

    /// <summary>Returns the maximum of <paramref name="values"/>, or NaN if any of them is NaN.</summary>
    internal static float Maximum(ReadOnlySpan<float> values)
    {
        int i = 0;
        float maximum = float.NegativeInfinity;
        if (Vector256.IsHardwareAccelerated && values.Length >= Vector256<float>.Count)
        {
            ref float origin = ref MemoryMarshal.GetReference(values);
            Vector256<float> maxima = Vector256.Create(float.NegativeInfinity);
            for (; i <= values.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                // Vector256.Max returns NaN when either operand is NaN, like MathF.Max. The NaN tests check it.
                maxima = Vector256.Max(maxima, Vector256.LoadUnsafe(ref origin, (nuint)i));
            }

            for (int lane = 0; lane < Vector256<float>.Count; lane++)
            {
                maximum = MathF.Max(maximum, maxima[lane]);
            }
        }

        for (; i < values.Length; i++)
        {
            maximum = MathF.Max(maximum, values[i]);
        }

        return maximum;
    }

    /// <summary>Sets maxima[i] = max(maxima[i], values[i]), propagating NaN.</summary>
    internal static void MaximumInPlace(Span<float> maxima, ReadOnlySpan<float> values)
    {
        CheckSameLength(maxima.Length, values.Length);
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref float maximaOrigin = ref MemoryMarshal.GetReference(maxima);
            ref float valuesOrigin = ref MemoryMarshal.GetReference(values);
            for (; i <= maxima.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256.Max(Vector256.LoadUnsafe(ref maximaOrigin, (nuint)i), Vector256.LoadUnsafe(ref valuesOrigin, (nuint)i))
                    .StoreUnsafe(ref maximaOrigin, (nuint)i);
            }
        }

        for (; i < maxima.Length; i++)
        {
            maxima[i] = MathF.Max(maxima[i], values[i]);
        }
    }

    /// <summary>Sets y[i] = exp(x[i] − shift) and returns the sum of y.</summary>
    internal static float ExpOfDifference(ReadOnlySpan<float> x, float shift, Span<float> y)
    {
        CheckSameLength(x.Length, y.Length);
        int i = 0;
        float sum = 0f;
        if (Vector256.IsHardwareAccelerated && x.Length >= Vector256<float>.Count)
        {
            ref float xOrigin = ref MemoryMarshal.GetReference(x);
            ref float yOrigin = ref MemoryMarshal.GetReference(y);
            Vector256<float> shifts = Vector256.Create(shift);
            Vector256<float> sums = Vector256<float>.Zero;
            for (; i <= x.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256<float> values = Vector256.Exp(Vector256.LoadUnsafe(ref xOrigin, (nuint)i) - shifts);
                values.StoreUnsafe(ref yOrigin, (nuint)i);
                sums += values;
            }

            sum = Vector256.Sum(sums);
        }

        for (; i < x.Length; i++)
        {
            y[i] = MathF.Exp(x[i] - shift);
            sum += y[i];
        }

        return sum;
    }

    /// <summary>Sets y[i] = exp(x[i] − shifts[i]) and adds y[i] to sums[i].</summary>
    internal static void ExpOfDifference(ReadOnlySpan<float> x, ReadOnlySpan<float> shifts, Span<float> y, Span<float> sums)
    {
        CheckSameLength(x.Length, y.Length);
        CheckSameLength(x.Length, shifts.Length);
        CheckSameLength(x.Length, sums.Length);
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref float xOrigin = ref MemoryMarshal.GetReference(x);
            ref float shiftsOrigin = ref MemoryMarshal.GetReference(shifts);
            ref float yOrigin = ref MemoryMarshal.GetReference(y);
            ref float sumsOrigin = ref MemoryMarshal.GetReference(sums);
            for (; i <= x.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256<float> values = Vector256.Exp(Vector256.LoadUnsafe(ref xOrigin, (nuint)i) - Vector256.LoadUnsafe(ref shiftsOrigin, (nuint)i));
                values.StoreUnsafe(ref yOrigin, (nuint)i);
                (Vector256.LoadUnsafe(ref sumsOrigin, (nuint)i) + values).StoreUnsafe(ref sumsOrigin, (nuint)i);
            }
        }

        for (; i < x.Length; i++)
        {
            y[i] = MathF.Exp(x[i] - shifts[i]);
            sums[i] += y[i];
        }
    }

    /// <summary>Multiplies every element of <paramref name="values"/> by <paramref name="factor"/>.</summary>
    internal static void Scale(Span<float> values, float factor)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref float origin = ref MemoryMarshal.GetReference(values);
            Vector256<float> factors = Vector256.Create(factor);
            for (; i <= values.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                (Vector256.LoadUnsafe(ref origin, (nuint)i) * factors).StoreUnsafe(ref origin, (nuint)i);
            }
        }

        for (; i < values.Length; i++)
        {
            values[i] *= factor;
        }
    }

    /// <summary>Divides values[i] by divisors[i].</summary>
    internal static void DivideInPlace(Span<float> values, ReadOnlySpan<float> divisors)
    {
        CheckSameLength(values.Length, divisors.Length);
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref float valuesOrigin = ref MemoryMarshal.GetReference(values);
            ref float divisorsOrigin = ref MemoryMarshal.GetReference(divisors);
            for (; i <= values.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                (Vector256.LoadUnsafe(ref valuesOrigin, (nuint)i) / Vector256.LoadUnsafe(ref divisorsOrigin, (nuint)i))
                    .StoreUnsafe(ref valuesOrigin, (nuint)i);
            }
        }

        for (; i < values.Length; i++)
        {
            values[i] /= divisors[i];
        }
    }

    /// <summary>Sets y[i] = (x[i] − shift)·factor + offset.</summary>
    internal static void SubtractScaleAdd(ReadOnlySpan<float> x, float shift, float factor, float offset, Span<float> y)
    {
        CheckSameLength(x.Length, y.Length);
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref float xOrigin = ref MemoryMarshal.GetReference(x);
            ref float yOrigin = ref MemoryMarshal.GetReference(y);
            Vector256<float> shifts = Vector256.Create(shift);
            Vector256<float> factors = Vector256.Create(factor);
            Vector256<float> offsets = Vector256.Create(offset);
            for (; i <= x.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                MultiplyAdd(Vector256.LoadUnsafe(ref xOrigin, (nuint)i) - shifts, factors, offsets).StoreUnsafe(ref yOrigin, (nuint)i);
            }
        }

        for (; i < x.Length; i++)
        {
            y[i] = (x[i] - shift) * factor + offset;
        }
    }

    /// <summary>Adds x[i]² to sums[i].</summary>
    internal static void AddSquares(ReadOnlySpan<float> x, Span<float> sums)
    {
        CheckSameLength(x.Length, sums.Length);
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref float xOrigin = ref MemoryMarshal.GetReference(x);
            ref float sumsOrigin = ref MemoryMarshal.GetReference(sums);
            for (; i <= x.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256<float> values = Vector256.LoadUnsafe(ref xOrigin, (nuint)i);
                MultiplyAdd(values, values, Vector256.LoadUnsafe(ref sumsOrigin, (nuint)i)).StoreUnsafe(ref sumsOrigin, (nuint)i);
            }
        }

        for (; i < x.Length; i++)
        {
            sums[i] += x[i] * x[i];
        }
    }

    /// <summary>Returns elements 0, 2, …, 14 of 16 consecutive floats. Call it only where AVX2 is supported.</summary>
    internal static Vector256<float> LoadEvenElements(ReadOnlySpan<float> sixteen)
    {
        ref float origin = ref MemoryMarshal.GetReference(sixteen);
        Vector256<float> low = Vector256.LoadUnsafe(ref origin);
        Vector256<float> high = Vector256.LoadUnsafe(ref origin, 8);

        // The shuffle keeps low[0], low[2], high[0], high[2] in each 128-bit lane, and the permute orders the 64-bit pairs 0, 2, 1, 3.
        Vector256<float> evens = Avx.Shuffle(low, high, 0b10_00_10_00);
        return Avx2.Permute4x64(evens.AsDouble(), 0b11_01_10_00).AsSingle();
    }

    /// <summary>Throws unless two spans that are indexed together without bounds checks have the same length.</summary>
    private static void CheckSameLength(int expected, int actual)
    {
        if (actual != expected)
        {
            throw new ArgumentException($"Invalid span length: expected {expected} floats to match the first span, but got {actual}.");
        }
    }
}
