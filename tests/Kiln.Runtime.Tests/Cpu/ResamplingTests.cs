using Kiln.Cpu;

namespace Kiln.Runtime.Tests.Cpu;

public class ResamplingTests
{
    [Fact]
    public void ResizeNearestAsymmetricFloor()
    {
        // Scale 2: output x reads input floor(x / 2), so 0, 0, 1, 1.
        var destination = new float[4];

        Resampling.Resize([1, 2], destination, sourceShape: [2], destinationShape: [4], ResizeMode.Nearest, CoordinateTransform.Asymmetric, NearestRounding.Floor);

        Assert.Equal([1f, 1f, 2f, 2f], destination);
    }

    [Fact]
    public void ResizeLinearHalfPixel()
    {
        // Scale 2: input coordinates −0.25, 0.25, 0.75 and 1.25; the outer two clamp to the border elements.
        var destination = new float[4];

        Resampling.Resize([1, 3], destination, sourceShape: [2], destinationShape: [4], ResizeMode.Linear, CoordinateTransform.HalfPixel);

        Assert.Equal([1f, 1.5f, 2.5f, 3f], destination);
    }

    [Fact]
    public void ResizeLinearAlignCorners()
    {
        // Input coordinates x · 1 / 3 for x = 0 … 3.
        var destination = new float[4];

        Resampling.Resize([0, 3], destination, sourceShape: [2], destinationShape: [4], ResizeMode.Linear, CoordinateTransform.AlignCorners);

        Assert.Equal(0f, destination[0]);
        Assert.Equal(1f, destination[1], 1e-6f);
        Assert.Equal(2f, destination[2], 1e-6f);
        Assert.Equal(3f, destination[3]);
    }

    [Fact]
    public void ResizeNearestExplicitScale()
    {
        // Scale 0.6 gives floor(4 · 0.6) = 2 outputs at input coordinates 0 and 1/0.6 ≈ 1.67, which rounds to 2.
        var destination = new float[2];

        Resampling.Resize([1, 2, 3, 4], destination, sourceShape: [4], destinationShape: [2], ResizeMode.Nearest, CoordinateTransform.Asymmetric,
            NearestRounding.RoundPreferFloor, scales: [0.6f]);

        Assert.Equal([1f, 3f], destination);
    }

    [Fact]
    public void ResizeOnlyColumnsOfMatrix()
    {
        var destination = new float[8];

        Resampling.Resize([1, 2, 3, 4], destination, sourceShape: [2, 2], destinationShape: [2, 4], ResizeMode.Nearest, CoordinateTransform.Asymmetric, NearestRounding.Floor);

        Assert.Equal([1f, 1f, 2f, 2f, 3f, 3f, 4f, 4f], destination);
    }

    [Fact]
    public void ResizeBothAxesBilinear()
    {
        // [[0, 2], [4, 6]] to 3×3 with align_corners: the middle row and column average their neighbors.
        var destination = new float[9];

        Resampling.Resize([0, 2, 4, 6], destination, sourceShape: [2, 2], destinationShape: [3, 3], ResizeMode.Linear, CoordinateTransform.AlignCorners);

        Assert.Equal([0f, 1f, 2f, 2f, 3f, 4f, 4f, 5f, 6f], destination);
    }

    [Fact]
    public void ResizeCubicHandWorked()
    {
        // Asymmetric scale 2 puts output 2 at input 1 and output 3 at input 1.5, whose weights with A = −0.75 are
        // −0.09375, 0.59375, 0.59375 and −0.09375 on inputs 0 … 3.
        var ramp = new float[8];
        var spike = new float[8];

        Resampling.Resize([0, 1, 2, 3], ramp, sourceShape: [4], destinationShape: [8], ResizeMode.Cubic, CoordinateTransform.Asymmetric);
        Resampling.Resize([0, 0, 1, 0], spike, sourceShape: [4], destinationShape: [8], ResizeMode.Cubic, CoordinateTransform.Asymmetric);

        Assert.Equal(1f, ramp[2], 1e-6f);
        Assert.Equal(1.5f, ramp[3], 1e-6f);
        Assert.Equal(0f, spike[2], 1e-6f);
        Assert.Equal(0.59375f, spike[3], 1e-6f);
    }

    [Fact]
    public void ResizeCubicExcludeOutside()
    {
        // At input 0.5 the tap at −1 is outside, so the weights 0.59375, 0.59375 and −0.09375 of inputs 0, 1 and 2 are
        // divided by their sum 1.09375.
        var destination = new float[8];

        Resampling.Resize([0, 0, 1, 0], destination, sourceShape: [4], destinationShape: [8], ResizeMode.Cubic, CoordinateTransform.Asymmetric,
            excludeOutside: true);

        Assert.Equal(-0.09375f / 1.09375f, destination[1], 1e-6f);
    }

    [Fact]
    public void ResizeTfCropExtrapolates()
    {
        // The region [0.5, 1.5] of [0, 2] maps outputs 0 and 1 to input 0.5 and 1.5; the second is outside and reads 9.
        var destination = new float[2];

        Resampling.Resize([0, 2], destination, sourceShape: [2], destinationShape: [2], ResizeMode.Linear, CoordinateTransform.TfCropAndResize,
            regionOfInterest: [0.5f, 1.5f], extrapolationValue: 9);

        Assert.Equal([1f, 9f], destination);
    }

    [Fact]
    public void ResizeRankMismatchThrows()
    {
        var error = Assert.Throws<ArgumentException>(
            () => Resampling.Resize(new float[2], new float[4], sourceShape: [2], destinationShape: [2, 2], ResizeMode.Nearest, CoordinateTransform.Asymmetric));

        Assert.Equal("destinationShape", error.ParamName);
    }

    [Fact]
    public void ResizeWrongScaleCountThrows()
    {
        var error = Assert.Throws<ArgumentException>(
            () => Resampling.Resize(new float[2], new float[4], sourceShape: [2], destinationShape: [4], ResizeMode.Nearest, CoordinateTransform.Asymmetric,
                scales: [2f, 2f]));

        Assert.Equal("scales", error.ParamName);
    }
}
