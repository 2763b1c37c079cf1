using System.Globalization;

namespace Kiln.Oracle.Tests;

/// <summary>
/// How far computed values are from reference values: the maximum absolute difference, relative to the
/// maximum absolute reference value.
/// </summary>
/// <param name="MaxDifference">max |actual − expected|, or infinity when an actual value is NaN or infinite.</param>
/// <param name="MaxReference">max |expected|.</param>
/// <param name="WorstIndex">Index of the element with the largest difference.</param>
internal readonly record struct Deviation(double MaxDifference, double MaxReference, int WorstIndex)
{
    /// <summary>
    /// The relative tolerance of the oracle tests. On the layers these tests compare, Kiln's float32 kernels measured at
    /// most 3.2e-6 against ONNX Runtime 1.32 (x64, two cores), so the margin covers a different summation order.
    /// </summary>
    public const double Tolerance = 1e-4;

    /// <summary>max |actual − expected| / max |expected|, or 0 when both are all zeros.</summary>
    public double Ratio => MaxDifference == 0 ? 0 : MaxDifference / MaxReference;

    /// <summary>Whether <see cref="Ratio"/> is within <see cref="Tolerance"/>.</summary>
    public bool IsWithinTolerance => Ratio <= Tolerance;

    /// <summary>Compares <paramref name="actual"/> with <paramref name="expected"/> element by element.</summary>
    public static Deviation Measure(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected)
    {
        if (actual.Length != expected.Length)
        {
            throw new ArgumentException($"{actual.Length} actual values cannot be compared with {expected.Length} expected values.", nameof(actual));
        }

        double maxDifference = 0;
        double maxReference = 0;
        int worstIndex = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            double difference = Math.Abs((double)actual[i] - expected[i]);
            if (!double.IsFinite(difference))
            {
                difference = double.PositiveInfinity;
            }

            if (difference > maxDifference)
            {
                maxDifference = difference;
                worstIndex = i;
            }

            maxReference = Math.Max(maxReference, Math.Abs(expected[i]));
        }

        return new Deviation(maxDifference, maxReference, worstIndex);
    }

    /// <inheritdoc/>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"ratio {Ratio:0.00E+00} (max |difference| {MaxDifference:0.000E+00} at index {WorstIndex}, max |reference| {MaxReference:0.000E+00}, tolerance {Tolerance:0E+00})");
}
