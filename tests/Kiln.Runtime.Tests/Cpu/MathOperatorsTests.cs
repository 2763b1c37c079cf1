using Kiln.Cpu;

namespace Kiln.Runtime.Tests.Cpu;

public class MathOperatorsTests
{
    /// <summary>16 special and ordinary values: two full vectors, or 16 spans of one element that take the scalar path.</summary>
    private static readonly float[] Specials =
    [
        -0f, 0f, float.NaN, float.PositiveInfinity, float.NegativeInfinity, 1e-7f, -1e-7f, 0.5f,
        -2.5f, 1f, -1f, 3.75f, -40f, 40f, 0.999f, 1e30f,
    ];

    public static TheoryData<string> UnaryOperatorNames => new()
    {
        nameof(ExpOperator), nameof(LogOperator), nameof(SqrtOperator), nameof(NegateOperator), nameof(AbsoluteOperator),
        nameof(ReciprocalOperator), nameof(FloorOperator), nameof(CeilingOperator), nameof(RoundOperator), nameof(SignOperator),
        nameof(ErfOperator), nameof(SinOperator), nameof(CosOperator), nameof(TanOperator), nameof(AsinOperator),
        nameof(AcosOperator), nameof(AtanOperator), nameof(SinhOperator), nameof(CoshOperator), nameof(AsinhOperator),
        nameof(AcoshOperator), nameof(AtanhOperator), nameof(SigmoidOperator), nameof(TanhOperator), nameof(SoftplusOperator),
        nameof(SoftsignOperator), nameof(HardSwishOperator),
    };

    [Theory]
    [MemberData(nameof(UnaryOperatorNames))]
    public void UnaryVectorAndScalarFormsAgree(string name)
    {
        var vectorResults = new float[Specials.Length];
        var scalarResult = new float[1];

        RunUnary(name, Specials, vectorResults);

        for (int i = 0; i < Specials.Length; i++)
        {
            RunUnary(name, Specials.AsSpan(i, 1), scalarResult);
            AssertSameBits(vectorResults[i], scalarResult[0], $"{name} of {Specials[i]}");
        }
    }

    [Fact]
    public void BinaryVectorAndScalarFormsAgree()
    {
        float[] a = Specials;
        float[] b = Specials.Reverse().ToArray();
        var power = new float[a.Length];
        var minimum = new float[a.Length];
        var maximum = new float[a.Length];
        var prelu = new float[a.Length];
        var scalarResult = new float[1];

        Elementwise.Binary<PowerOperator>(a, b, power);
        Elementwise.Binary<MinimumOperator>(a, b, minimum);
        Elementwise.Binary<MaximumOperator>(a, b, maximum);
        Elementwise.Binary<PReluOperator>(a, b, prelu);

        for (int i = 0; i < a.Length; i++)
        {
            Elementwise.Binary<PowerOperator>(a.AsSpan(i, 1), b.AsSpan(i, 1), scalarResult);
            AssertSameBits(power[i], scalarResult[0], $"Pow({a[i]}, {b[i]})");
            Elementwise.Binary<MinimumOperator>(a.AsSpan(i, 1), b.AsSpan(i, 1), scalarResult);
            AssertSameBits(minimum[i], scalarResult[0], $"Min({a[i]}, {b[i]})");
            Elementwise.Binary<MaximumOperator>(a.AsSpan(i, 1), b.AsSpan(i, 1), scalarResult);
            AssertSameBits(maximum[i], scalarResult[0], $"Max({a[i]}, {b[i]})");
            Elementwise.Binary<PReluOperator>(a.AsSpan(i, 1), b.AsSpan(i, 1), scalarResult);
            AssertSameBits(prelu[i], scalarResult[0], $"PRelu({a[i]}, {b[i]})");
        }
    }

    [Fact]
    public void MinimumAndMaximumPropagateNaN()
    {
        // Element 0 takes the vector path and element 8 the scalar one.
        float[] a = [float.NaN, 1, 1, 1, 1, 1, 1, 1, 1];
        float[] b = [1, 2, 2, 2, 2, 2, 2, 2, float.NaN];
        var minimum = new float[9];
        var maximum = new float[9];

        Elementwise.Binary<MinimumOperator>(a, b, minimum);
        Elementwise.Binary<MaximumOperator>(a, b, maximum);

        Assert.True(float.IsNaN(minimum[0]));

        Assert.True(float.IsNaN(minimum[8]));
        Assert.True(float.IsNaN(maximum[0]));
        Assert.True(float.IsNaN(maximum[8]));
        Assert.Equal(1f, minimum[1]);
        Assert.Equal(2f, maximum[1]);
    }

    [Fact]
    public void RoundHalvesToEvenInBothForms()
    {
        float[] x = [0.5f, 1.5f, 2.5f, -0.5f, -1.5f, -2.5f, 3.5f, 4.5f, 0.5f, 1.5f, 2.5f, -2.5f];
        var y = new float[x.Length];

        Elementwise.Unary<RoundOperator>(x, y);

        Assert.Equal([0f, 2f, 2f, -0f, -2f, -2f, 4f, 4f, 0f, 2f, 2f, -2f], y);
    }

    [Fact]
    public void SignKeepsZeroAndNaN()
    {
        float[] x = [-3f, 0f, -0f, float.NaN, 2f, float.NegativeInfinity, 1e-30f, -1e-30f, -3f, float.NaN, -0f];
        var y = new float[x.Length];

        Elementwise.Unary<SignOperator>(x, y);

        CpuAssert.Close([-1f, 0f, 0f, float.NaN, 1f, -1f, 1f, -1f, -1f, float.NaN, 0f], y, 0);
        Assert.True(float.IsNegative(y[2]));
        Assert.True(float.IsNegative(y[10]));
    }

    [Fact]
    public void SoftplusStaysFiniteAndPositive()
    {
        float[] x = [100f, -100f, 0f, 20f];
        var y = new float[x.Length];

        Elementwise.Unary<SoftplusOperator>(x, y);

        Assert.Equal(100f, y[0]);
        Assert.Equal((float)Math.Exp(-100), y[1]);
        Assert.Equal(MathF.Log(2f), y[2]);
        Assert.Equal(20f, y[3]);
    }

    [Fact]
    public void ErfMatchesTable()
    {
        // Reference values of erf from Python's math.erf.
        float[] x = [0.5f, 1f, 2f, 3f, -1e-6f, 2.6f, 3.9f, 10f, -10f];
        var y = new float[x.Length];

        Elementwise.Unary<ErfOperator>(x, y);

        CpuAssert.Close([0.5204998778130465, 0.8427007929497149, 0.9953222650189527, 0.9999779095030014, -1.1283791670951364e-06,
            0.9997639655834707, 0.9999999652077514, 1, -1], y, 1e-7);
        Assert.Equal(-1.1283791670951364e-06, y[4], 1e-12);
    }

    [Fact]
    public void SigmoidReachesLimits()
    {
        float[] x = [-200f, 200f, 0f, float.NegativeInfinity, float.PositiveInfinity, float.NaN, -20f, 20f, -200f];
        var y = new float[x.Length];

        Elementwise.Unary<SigmoidOperator>(x, y);

        Assert.Equal(0f, y[0]);
        Assert.Equal(1f, y[1]);
        Assert.Equal(0.5f, y[2], 1e-7f);
        Assert.Equal(0f, y[3]);
        Assert.Equal(1f, y[4]);
        Assert.True(float.IsNaN(y[5]));
        Assert.Equal(2.0611536e-9f, y[6], 1e-14f);
        Assert.Equal(0f, y[8]);
    }

    [Fact]
    public void LeakyReluScalesNegatives()
    {
        float[] x = [-2f, 3f, -0.5f, 0f, float.NaN, -1f, 1f, -4f, -2f, float.NaN];
        var y = new float[x.Length];

        Activation.LeakyRelu(x, y, alpha: 0.5f);

        CpuAssert.Close([-1f, 3f, -0.25f, 0f, float.NaN, -0.5f, 1f, -2f, -1f, float.NaN], y, 0);
    }

    [Fact]
    public void EluIsPreciseNearZero()
    {
        float[] x = [-1e-7f, -1f, 2f, float.NaN, float.NegativeInfinity];
        var y = new float[x.Length];

        Activation.Elu(x, y, alpha: 1f);

        // e^x − 1 in float would round −1e−7 to about −1.19e−7; the kernel works in double.
        Assert.Equal(-1e-7f, y[0], 1e-13f);
        Assert.Equal((float)(Math.Exp(-1) - 1), y[1]);
        Assert.Equal(2f, y[2]);
        Assert.True(float.IsNaN(y[3]));
        Assert.Equal(-1f, y[4]);
    }

    [Fact]
    public void CeluWithZeroAlphaThrows()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Activation.Celu(new float[2], new float[2], alpha: 0f));

        Assert.Equal("alpha", error.ParamName);
    }

    [Fact]
    public void ThresholdedReluAndShrinkMapNaNToZero()
    {
        // Elements 0 to 7 take the vector path and 8 to 10 the scalar one.
        float[] x = [float.NaN, 2f, 1f, -3f, 0.5f, 1.5f, -1.5f, 4f, float.NaN, 2f, -2f];
        var thresholded = new float[x.Length];
        var shrunk = new float[x.Length];

        Activation.ThresholdedRelu(x, thresholded, alpha: 1f);
        Activation.Shrink(x, shrunk, lambda: 1f, bias: 0.5f);

        Assert.Equal([0f, 2f, 0f, 0f, 0f, 1.5f, 0f, 4f, 0f, 2f, 0f], thresholded);
        Assert.Equal([0f, 1.5f, 0f, -2.5f, 0f, 1f, -1f, 3.5f, 0f, 1.5f, -1.5f], shrunk);
    }

    [Fact]
    public void HardSigmoidAndClipPropagateNaN()
    {
        float[] x = [float.NaN, -10f, 0f, 10f, 0.2f, -0.2f, 1f, -1f, float.NaN, 10f];
        var hard = new float[x.Length];
        var clipped = new float[x.Length];

        Activation.HardSigmoid(x, hard, alpha: 0.5f, beta: 0.5f);
        Activation.Clip(x, clipped, min: -0.5f, max: 0.5f);

        CpuAssert.Close([float.NaN, 0f, 0.5f, 1f, 0.6f, 0.4f, 1f, 0f, float.NaN, 1f], hard, 1e-7);
        CpuAssert.Close([float.NaN, -0.5f, 0f, 0.5f, 0.2f, -0.2f, 0.5f, -0.5f, float.NaN, 0.5f], clipped, 0);
    }

    [Fact]
    public void ClipWithMinAboveMaxGivesMax()
    {
        var y = new float[3];

        Activation.Clip([-1f, 0f, 5f], y, min: 2f, max: 1f);

        Assert.Equal([1f, 1f, 1f], y);
    }

    [Fact]
    public void ActivationInPlace()
    {
        float[] x = [-2f, 4f, -6f, 8f, -1f, 1f, -3f, 3f, -5f];

        Activation.LeakyRelu(x, x, alpha: 0.5f);

        Assert.Equal([-1f, 4f, -3f, 8f, -0.5f, 1f, -1.5f, 3f, -2.5f], x);
    }

    [Fact]
    public void ActivationLengthMismatchThrows()
    {
        var error = Assert.Throws<ArgumentException>(() => Activation.Selu(new float[3], new float[2], alpha: 1f, gamma: 1f));

        Assert.Equal("y", error.ParamName);
    }

    [Fact]
    public void DivideByScalarInPlace()
    {
        float[] x = [3f, 6f, 9f, 12f, 15f, 18f, 21f, 24f, 27f, 1f];

        ScalarArithmetic.Divide(x, 3f, x);

        Assert.Equal([1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f, 1f / 3f], x);
    }

    [Fact]
    public void BroadcastIntoFirstInputInPlace()
    {
        // Variadic operators fold each further input into the output: y = y + b with b broadcast along rows.
        float[] y = CpuAssert.RandomValues(2 * 3 * 20, 81);
        float[] b = CpuAssert.RandomValues(3, 82);
        float[] expected = y.Select((value, i) => value + b[i / 20 % 3]).ToArray();

        Elementwise.BroadcastBinary<AddOperator>(y, [60, 20, 1], b, [0, 1, 0], y, [2, 3, 20]);

        Assert.Equal(expected, y);
    }

    [Fact]
    public void BroadcastIntoFirstInputWithInnerBroadcast()
    {
        // b has one value per row of 20, so the inner run takes the scalar-right path.
        float[] y = CpuAssert.RandomValues(6 * 20, 83);
        float[] b = CpuAssert.RandomValues(6, 84);
        float[] expected = y.Select((value, i) => MathF.Max(value, b[i / 20])).ToArray();

        Elementwise.BroadcastBinary<MaximumOperator>(y, [20, 1], b, [1, 0], y, [6, 20]);

        Assert.Equal(expected, y);
    }

    private static void RunUnary(string name, ReadOnlySpan<float> x, Span<float> y)
    {
        switch (name)
        {
            case nameof(ExpOperator): Elementwise.Unary<ExpOperator>(x, y); break;
            case nameof(LogOperator): Elementwise.Unary<LogOperator>(x, y); break;
            case nameof(SqrtOperator): Elementwise.Unary<SqrtOperator>(x, y); break;
            case nameof(NegateOperator): Elementwise.Unary<NegateOperator>(x, y); break;
            case nameof(AbsoluteOperator): Elementwise.Unary<AbsoluteOperator>(x, y); break;
            case nameof(ReciprocalOperator): Elementwise.Unary<ReciprocalOperator>(x, y); break;
            case nameof(FloorOperator): Elementwise.Unary<FloorOperator>(x, y); break;
            case nameof(CeilingOperator): Elementwise.Unary<CeilingOperator>(x, y); break;
            case nameof(RoundOperator): Elementwise.Unary<RoundOperator>(x, y); break;
            case nameof(SignOperator): Elementwise.Unary<SignOperator>(x, y); break;
            case nameof(ErfOperator): Elementwise.Unary<ErfOperator>(x, y); break;
            case nameof(SinOperator): Elementwise.Unary<SinOperator>(x, y); break;
            case nameof(CosOperator): Elementwise.Unary<CosOperator>(x, y); break;
            case nameof(TanOperator): Elementwise.Unary<TanOperator>(x, y); break;
            case nameof(AsinOperator): Elementwise.Unary<AsinOperator>(x, y); break;
            case nameof(AcosOperator): Elementwise.Unary<AcosOperator>(x, y); break;
            case nameof(AtanOperator): Elementwise.Unary<AtanOperator>(x, y); break;
            case nameof(SinhOperator): Elementwise.Unary<SinhOperator>(x, y); break;
            case nameof(CoshOperator): Elementwise.Unary<CoshOperator>(x, y); break;
            case nameof(AsinhOperator): Elementwise.Unary<AsinhOperator>(x, y); break;
            case nameof(AcoshOperator): Elementwise.Unary<AcoshOperator>(x, y); break;
            case nameof(AtanhOperator): Elementwise.Unary<AtanhOperator>(x, y); break;
            case nameof(SigmoidOperator): Elementwise.Unary<SigmoidOperator>(x, y); break;
            case nameof(TanhOperator): Elementwise.Unary<TanhOperator>(x, y); break;
            case nameof(SoftplusOperator): Elementwise.Unary<SoftplusOperator>(x, y); break;
            case nameof(SoftsignOperator): Elementwise.Unary<SoftsignOperator>(x, y); break;
            case nameof(HardSwishOperator): Elementwise.Unary<HardSwishOperator>(x, y); break;
            default: throw new ArgumentException($"Unknown operator {name}.", nameof(name));
        }
    }

    private static void AssertSameBits(float expected, float actual, string what) =>
        Assert.True(
            BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(actual) || (float.IsNaN(expected) && float.IsNaN(actual)),
            $"{what}: the vector form gave {expected:R}, but the scalar form gave {actual:R}.");
}
