namespace Kiln.Gpu.Tests;

/// <summary>The comparison of GPU results with the CPU path that every test in this project uses.</summary>
internal static class GpuAssert
{
    /// <summary>Largest allowed difference, relative to the largest magnitude of the reference.</summary>
    public const double RelativeTolerance = 1e-4;

    /// <summary>
    /// Asserts that <paramref name="actual"/> matches <paramref name="expected"/> element by element within
    /// 1e-4 × max |expected|, and names the first element that does not.
    /// </summary>
    public static void Close(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string description)
    {
        Assert.Equal(expected.Length, actual.Length);
        double scale = 0;
        foreach (float value in expected)
        {
            scale = Math.Max(scale, Math.Abs(value));
        }

        Assert.True(scale > 0, $"{description}: the reference is all zeros, so the comparison would prove nothing.");
        double tolerance = RelativeTolerance * scale;
        for (int i = 0; i < expected.Length; i++)
        {
            double difference = Math.Abs(expected[i] - actual[i]);
            Assert.True(
                difference <= tolerance,
                $"{description}: element {i} is {actual[i]} on the GPU but {expected[i]} on the CPU; the difference {difference:G3} exceeds {tolerance:G3} (1e-4 × max |reference| = {scale:G4}).");
        }
    }
}
