namespace Kiln.Runtime.Tests.Cpu;

/// <summary>Random test data and tolerant comparisons for the CPU kernel tests.</summary>
internal static class CpuAssert
{
    /// <summary>Allowed error relative to max(1, |expected|). Float sums of a few hundred products stay well inside it.</summary>
    public const double Tolerance = 1e-4;

    /// <summary>Returns <paramref name="count"/> values drawn uniformly from [−1, 1) by a generator seeded with <paramref name="seed"/>.</summary>
    public static float[] RandomValues(int count, int seed)
    {
        var random = new Random(seed);
        var values = new float[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = (float)(random.NextDouble() * 2 - 1);
        }

        return values;
    }

    /// <summary>
    /// Fails at the first element where <paramref name="actual"/> differs from <paramref name="expected"/> by more
    /// than <see cref="Tolerance"/>·max(1, |expected|). NaN must meet NaN, and an infinity the same infinity.
    /// </summary>
    public static void Close(ReadOnlySpan<double> expected, ReadOnlySpan<float> actual, double tolerance = Tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        int mismatch = -1;
        for (int i = 0; i < expected.Length && mismatch < 0; i++)
        {
            double e = expected[i];
            double a = actual[i];
            bool same = double.IsNaN(e) ? double.IsNaN(a)
                : double.IsInfinity(e) ? a == e
                : Math.Abs(a - e) <= tolerance * Math.Max(1.0, Math.Abs(e));
            if (!same)
            {
                mismatch = i;
            }
        }

        Assert.True(mismatch < 0, mismatch < 0 ? "" : $"Element {mismatch}: expected {expected[mismatch]}, but got {actual[mismatch]}.");
    }

    /// <summary>Compares with expected float values, converted to double.</summary>
    public static void Close(float[] expected, ReadOnlySpan<float> actual, double tolerance = Tolerance) =>
        Close(Array.ConvertAll(expected, value => (double)value), actual, tolerance);
}
