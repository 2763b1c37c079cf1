using System.Reflection;
using System.Text;
using Kiln.Compiler.Read.Onnx;
using Microsoft.CodeAnalysis;

namespace Kiln.Compiler.Tests;

/// <summary>
/// Compiles one-node models of the math and activation operators with the generator, runs them, and compares the
/// outputs with the ONNX formulas evaluated in double precision. Inputs other than the first are initializers.
/// </summary>
public sealed class MathOperatorTests : IClassFixture<MathOperatorTests.CompiledModels>
{
    /// <summary>Allowed error relative to |expected|, about 80 float ulps. A zero or infinite expected value must match exactly.</summary>
    private const double Tolerance = 1e-5;

    /// <summary>
    /// Values for the unary tests: two full vectors of eight and a tail of seven, with signed zeros, values near 0,
    /// halves for rounding, the edges of the inverse trigonometric domains, infinities and NaN.
    /// </summary>
    private static readonly float[] UnaryInput =
    [
        -3.5f, -2.5f, -1.5f, -1f, -0.75f, -0.5f, -1e-6f, -0f,
        0f, 1e-6f, 0.3f, 0.5f, 0.999f, 1f, 1.5f, 2.5f,
        3f, 7.25f, 40f, -40f, float.PositiveInfinity, float.NegativeInfinity, float.NaN,
    ];

    /// <summary>Each attribute-free operator with its definition from the ONNX specification.</summary>
    private static readonly Dictionary<string, Func<double, double>> UnaryFormulas = new()
    {
        ["Sigmoid"] = x => 1 / (1 + Math.Exp(-x)),
        ["Tanh"] = Math.Tanh,
        ["Softplus"] = Softplus,
        ["Softsign"] = x => x / (1 + Math.Abs(x)),
        ["HardSwish"] = x => x * Math.Max(0, Math.Min(1, x / 6 + 0.5)),
        ["Exp"] = Math.Exp,
        ["Log"] = Math.Log,
        ["Sqrt"] = Math.Sqrt,
        ["Neg"] = x => -x,
        ["Abs"] = Math.Abs,
        ["Reciprocal"] = x => 1 / x,
        ["Floor"] = Math.Floor,
        ["Ceil"] = Math.Ceiling,
        ["Round"] = x => Math.Round(x, MidpointRounding.ToEven),
        ["Sign"] = x => double.IsNaN(x) || x == 0 ? x : Math.Sign(x),
        ["Sin"] = Math.Sin,
        ["Cos"] = Math.Cos,
        ["Tan"] = Math.Tan,
        ["Asin"] = Math.Asin,
        ["Acos"] = Math.Acos,
        ["Atan"] = Math.Atan,
        ["Sinh"] = Math.Sinh,
        ["Cosh"] = Math.Cosh,
        ["Asinh"] = Math.Asinh,
        ["Acosh"] = Math.Acosh,
        ["Atanh"] = Math.Atanh,
    };

    private readonly CompiledModels _models;

    public MathOperatorTests(CompiledModels models)
    {
        _models = models;
    }

    public static TheoryData<string> UnaryOperators
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (string opType in UnaryFormulas.Keys)
            {
                data.Add(opType);
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(UnaryOperators))]
    public void UnaryMatchesFormula(string opType)
    {
        float[] y = _models.Run($"unary_{opType}", UnaryInput);

        AssertClose(UnaryInput.Select(x => UnaryFormulas[opType](x)).ToArray(), y);
    }

    [Fact]
    public void ErfMatchesTable()
    {
        // Reference values of erf from Python's math.erf (the C library's erf, correct to double precision).
        (float X, double Erf)[] table =
        [
            (-3.5f, -0.9999992569016276), (-2.5f, -0.999593047982555), (-1.5f, -0.9661051464753108), (-1f, -0.8427007929497149),
            (-0.3f, -0.3286267594591274), (-1e-6f, -1.1283791670951364e-06), (0f, 0), (1e-6f, 1.1283791670951364e-06),
            (0.01f, 0.011283415555849616), (0.5f, 0.5204998778130465), (1f, 0.8427007929497149), (2f, 0.9953222650189527),
            (2.4f, 0.999311486103355), (2.6f, 0.9997639655834707), (3f, 0.9999779095030014), (3.9f, 0.9999999652077514),
            (4.5f, 0.9999999998033839), (float.PositiveInfinity, 1), (float.NegativeInfinity, -1), (float.NaN, double.NaN),
        ];
        float[] x = table.Select(row => row.X).ToArray();

        float[] y = _models.Run("erf", x);

        // 1e-6 leaves room for the float rounding of the inputs such as 0.3f.
        AssertClose(table.Select(row => row.Erf).ToArray(), y, 1e-6);
    }

    [Fact]
    public void RoundHalvesToEven()
    {
        float[] x = [0.5f, 1.5f, 2.5f, -0.5f, -1.5f, -2.5f, 2.3f, 2.7f, -4.5f, 0.9f];

        float[] y = _models.Run("round", x);

        Assert.Equal([0f, 2f, 2f, -0f, -2f, -2f, 2f, 3f, -4f, 1f], y);
    }

    [Fact]
    public void LeakyReluUsesAlpha()
    {
        float[] y = _models.Run("leaky_relu", UnaryInput);

        AssertClose(UnaryInput.Select(x => x < 0 ? 0.1 * x : (double)x).ToArray(), y);
    }

    [Fact]
    public void LeakyReluDefaultAlpha()
    {
        float[] y = _models.Run("leaky_relu_default", UnaryInput);

        AssertClose(UnaryInput.Select(x => x < 0 ? (double)0.01f * x : x).ToArray(), y);
    }

    [Fact]
    public void EluUsesAlpha()
    {
        float[] y = _models.Run("elu", UnaryInput);

        AssertClose(UnaryInput.Select(x => x < 0 ? 2 * (Math.Exp(x) - 1) : (double)x).ToArray(), y);
    }

    [Fact]
    public void SeluDefaultConstants()
    {
        const double alpha = 1.67326319217681884765625;
        const double gamma = 1.05070102214813232421875;

        float[] y = _models.Run("selu_default", UnaryInput);

        AssertClose(UnaryInput.Select(x => x > 0 ? gamma * x : gamma * alpha * (Math.Exp(x) - 1)).ToArray(), y);
    }

    [Fact]
    public void SeluUsesAlphaAndGamma()
    {
        float[] y = _models.Run("selu", UnaryInput);

        AssertClose(UnaryInput.Select(x => x > 0 ? 3.0 * x : 3.0 * 2.0 * (Math.Exp(x) - 1)).ToArray(), y);
    }

    [Fact]
    public void CeluUsesAlpha()
    {
        float[] y = _models.Run("celu", UnaryInput);

        AssertClose(UnaryInput.Select(x => Math.Max(0, x) + Math.Min(0, 2 * (Math.Exp(x / 2.0) - 1))).ToArray(), y);
    }

    [Fact]
    public void HardSigmoidUsesAlphaAndBeta()
    {
        float[] y = _models.Run("hard_sigmoid", UnaryInput);

        AssertClose(UnaryInput.Select(x => Math.Max(0, Math.Min(1, 0.5 * x + 0.6))).ToArray(), y);
    }

    [Fact]
    public void HardSigmoidDefaults()
    {
        float[] y = _models.Run("hard_sigmoid_default", UnaryInput);

        AssertClose(UnaryInput.Select(x => Math.Max(0, Math.Min(1, (double)0.2f * x + 0.5))).ToArray(), y);
    }

    [Fact]
    public void ThresholdedReluZeroesAtAndBelowAlpha()
    {
        float[] y = _models.Run("thresholded_relu", UnaryInput);

        // The formula "x if x > alpha, else 0" gives 0 for NaN.
        AssertClose(UnaryInput.Select(x => x > 1.5 ? (double)x : 0).ToArray(), y);
    }

    [Fact]
    public void ShrinkSoftAndWithoutBand()
    {
        float[] x = [-2f, -1f, 0f, 1f, 2f, -1.5f, 1.5f, float.NaN, -3f, 3f];

        float[] soft = _models.Run("shrink_soft", x);
        float[] unchanged = _models.Run("shrink_no_band", x);

        Assert.Equal([-0.5f, 0f, 0f, 0f, 0.5f, 0f, 0f, 0f, -1.5f, 1.5f], soft);
        Assert.Equal([-2f, -1f, 0f, 1f, 2f, -1.5f, 1.5f, 0f, -3f, 3f], unchanged);
    }

    [Fact]
    public void ClipBoundsFromInputs()
    {
        float[] y = _models.Run("clip_inputs", UnaryInput);

        AssertClose(UnaryInput.Select(x => Math.Min(Math.Max(x, -1), 1.5)).ToArray(), y);
    }

    [Fact]
    public void ClipOmittedMinimum()
    {
        float[] y = _models.Run("clip_max_only", UnaryInput);

        // The ONNX specification defines an omitted bound as the lowest finite float.
        AssertClose(UnaryInput.Select(x => Math.Min(Math.Max(x, float.MinValue), 0.5)).ToArray(), y);
    }

    [Fact]
    public void ClipOmittedMaximum()
    {
        float[] y = _models.Run("clip_min_only", UnaryInput);

        AssertClose(UnaryInput.Select(x => Math.Min(Math.Max(x, 0.0), float.MaxValue)).ToArray(), y);
    }

    [Fact]
    public void ClipWithoutBoundsOnlyLimitsInfinities()
    {
        float[] y = _models.Run("clip_unbounded", UnaryInput);

        AssertClose(UnaryInput.Select(x => Math.Min(Math.Max((double)x, float.MinValue), float.MaxValue)).ToArray(), y);
    }

    [Fact]
    public void ClipAttributesBeforeOpset11()
    {
        float[] bounded = _models.Run("clip_opset10", UnaryInput);
        float[] unbounded = _models.Run("clip_opset10_default", UnaryInput);

        AssertClose(UnaryInput.Select(x => Math.Min(Math.Max(x, -0.5), 2)).ToArray(), bounded);
        AssertClose(UnaryInput.Select(x => Math.Min(Math.Max((double)x, float.MinValue), float.MaxValue)).ToArray(), unbounded);
    }

    [Fact]
    public void PReluSlopePerChannel()
    {
        float[] x = Values(24, seed: 11);

        float[] y = _models.Run("prelu_channels", x);

        double[] slope = Broadcast(PReluChannelSlope, [3, 1], [2, 3, 4]);
        AssertClose(x.Select((value, i) => value < 0 ? value * slope[i] : value).ToArray(), y);
    }

    [Fact]
    public void PReluSlopeOfSameShape()
    {
        float[] x = Values(24, seed: 12);

        float[] y = _models.Run("prelu_full", x);

        double[] slope = Broadcast(PReluFullSlope, [2, 3, 4], [2, 3, 4]);
        AssertClose(x.Select((value, i) => value < 0 ? value * slope[i] : value).ToArray(), y);
    }

    [Fact]
    public void PowBroadcastsBothWays()
    {
        // Base 1×3 against exponents 2×1: the output is 2×3.
        float[] y = _models.Run("pow_broadcast", [2f, 3f, 4f]);

        AssertClose([4, 9, 16, Math.Sqrt(2), Math.Sqrt(3), 2], y);
    }

    [Fact]
    public void PowWithScalarExponent()
    {
        float[] x = [1f, 2f, 3f, -2f, 0f, 0.5f, 10f, -0.5f, 4f];

        float[] y = _models.Run("pow_cube", x);

        AssertClose(x.Select(value => Math.Pow(value, 3)).ToArray(), y);
    }

    [Fact]
    public void PowNegativeBaseFractionalExponentIsNaN()
    {
        float[] y = _models.Run("pow_square_root", [-4f, 4f, 0f]);

        Assert.True(float.IsNaN(y[0]));
        Assert.Equal(2f, y[1]);
        Assert.Equal(0f, y[2]);
    }

    [Theory]
    [InlineData("Min")]
    [InlineData("Max")]
    [InlineData("Sum")]
    [InlineData("Mean")]
    public void VariadicBroadcastsThreeInputs(string opType)
    {
        // data_0 is 3 values, data_1 is 3 values, data_2 is 2×1: the output is 2×3.
        float[] x = [3f, -1f, float.NaN];

        float[] y = _models.Run($"variadic_{opType}", x);

        double[] first = Broadcast(x.Select(v => (double)v).ToArray(), [3], [2, 3]);
        double[] second = Broadcast(VariadicSecond, [3], [2, 3]);
        double[] third = Broadcast(VariadicThird, [2, 1], [2, 3]);
        Func<double, double, double, double> formula = opType switch
        {
            "Min" => (a, b, c) => Math.Min(Math.Min(a, b), c),
            "Max" => (a, b, c) => Math.Max(Math.Max(a, b), c),
            "Sum" => (a, b, c) => a + b + c,
            _ => (a, b, c) => (a + b + c) / 3,
        };
        AssertClose(Enumerable.Range(0, 6).Select(i => formula(first[i], second[i], third[i])).ToArray(), y);
    }

    [Fact]
    public void MaxOfFourWithoutBroadcasting()
    {
        float[] x = Values(10, seed: 13);

        float[] y = _models.Run("max_four", x);

        AssertClose(x.Select((value, i) => (double)Math.Max(Math.Max(value, VariadicFull[0][i]), Math.Max(VariadicFull[1][i], VariadicFull[2][i]))).ToArray(), y);
    }

    [Fact]
    public void MeanOfTwoDividesSum()
    {
        float[] x = [3f, 0f, 2f];

        float[] y = _models.Run("mean_two", x);

        Assert.Equal([2f, 1.5f, 3f], y);
    }

    [Theory]
    [InlineData("Min")]
    [InlineData("Max")]
    [InlineData("Sum")]
    [InlineData("Mean")]
    public void VariadicOneInputCopies(string opType)
    {
        float[] x = [3f, -2f, 1f, float.NaN];

        float[] y = _models.Run($"single_{opType}", x);

        Assert.Equal(x, y);
    }

    [Fact]
    public void SumAtOpset7WithEqualShapes()
    {
        float[] x = [1f, 2f, 3f];

        float[] y = _models.Run("sum_opset7", x);

        Assert.Equal([11f, 22f, 33f], y);
    }

    [Fact]
    public void LogSoftmaxCoercesTo2DBeforeOpset13()
    {
        float[] x = Values(24, seed: 14);

        float[] y = _models.Run("log_softmax_opset11", x);

        AssertClose(LogSoftmax(x, outer: 2, axisLength: 12, inner: 1), y);
    }

    [Fact]
    public void LogSoftmaxAlongMiddleAxis()
    {
        float[] x = Values(24, seed: 15);

        float[] y = _models.Run("log_softmax_axis1", x);

        AssertClose(LogSoftmax(x, outer: 2, axisLength: 3, inner: 4), y);
    }

    [Fact]
    public void LogSoftmaxDefaultsToLastAxis()
    {
        float[] x = [0f, 1f, 2f, 3f, 10000f, 10001f, 10002f, 10003f, -1f, 0f, 1f, 5f, 1f, 1f, 1f, 1f];

        float[] y = _models.Run("log_softmax_default", x);

        AssertClose(LogSoftmax(x, outer: 4, axisLength: 4, inner: 1), y);
    }

    [Fact]
    public void HardmaxMarksFirstMaximum()
    {
        float[] x = [3f, 3f, 3f, 1f, 2f, 5f, 1f, 0f, 0f, 1f, 3f, 3f, float.NaN, 1f, float.NaN, 9f];

        float[] y = _models.Run("hardmax_default", x);

        // A NaN counts as the maximum, as numpy's argmax treats it.
        Assert.Equal([1f, 0f, 0f, 0f, 0f, 1f, 0f, 0f, 0f, 0f, 1f, 0f, 1f, 0f, 0f, 0f], y);
    }

    [Fact]
    public void HardmaxAlongMiddleAxis()
    {
        float[] x = Values(24, seed: 16);

        float[] y = _models.Run("hardmax_axis1", x);

        Assert.Equal(Hardmax(x, outer: 2, axisLength: 3, inner: 4), y);
    }

    [Fact]
    public void HardmaxCoercesTo2DBeforeOpset13()
    {
        float[] x = Values(24, seed: 17);

        float[] y = _models.Run("hardmax_opset11", x);

        Assert.Equal(Hardmax(x, outer: 2, axisLength: 12, inner: 1), y);
    }

    [Fact]
    public void GeneratedCodeNamesKernels()
    {
        string clip = _models.Source("clip_inputs");
        string variadic = _models.Source("variadic_Mean");
        string sigmoid = _models.Source("unary_Sigmoid");

        Assert.Contains("global::Kiln.Cpu.Activation.Clip(input, ", clip);
        Assert.Contains("min: clip_min[0], max: clip_max[0]);", clip);
        Assert.Contains("global::Kiln.Cpu.Elementwise.BroadcastBinary<global::Kiln.Cpu.AddOperator>(", variadic);
        Assert.Contains("global::Kiln.Cpu.ScalarArithmetic.Divide(", variadic);
        Assert.Contains("global::Kiln.Cpu.Elementwise.Unary<global::Kiln.Cpu.SigmoidOperator>(input, ", sigmoid);
    }

    [Theory]
    [InlineData("sum_opset7_broadcast", "before opset 8 all inputs must have the same shape")]
    [InlineData("prelu_wrong_direction", "PRelu broadcasts only the slope")]
    [InlineData("clip_vector_bound", "gives the lower bound and must contain one value, but its shape is 2")]
    [InlineData("celu_zero_alpha", "attribute 'alpha' is 0")]
    [InlineData("max_not_broadcastable", "does not broadcast with the shape 3")]
    [InlineData("log_softmax_bad_axis", "axis 3 is outside [-3, 2] for an input of rank 3")]
    public void InvalidNodeIsReported(string model, string message)
    {
        using var models = new TestModels();
        string path = models.Write($"{model}.onnx", InvalidModels()[model]);

        GeneratorRun run = GeneratorHarness.Run(CompiledModelSet.Declare([model]), path);

        Diagnostic diagnostic = Assert.Single(run.KilnDiagnostics);
        Assert.Equal("KLN0006", diagnostic.Id);
        Assert.Contains(message, diagnostic.GetMessage());
    }

    [Fact]
    public void CeluBeforeOpset12IsUnsupported()
    {
        using var models = new TestModels();
        string path = models.Write("celu_opset11.onnx", OneNode("Celu", [4], opset: 11));

        GeneratorRun run = GeneratorHarness.Run(CompiledModelSet.Declare(["celu_opset11"]), path);

        Diagnostic diagnostic = Assert.Single(run.KilnDiagnostics);
        Assert.Equal("KLN0005", diagnostic.Id);
        Assert.Contains("Kiln compiles Celu at opsets 12 to 17; export the model at one of them", diagnostic.GetMessage());
    }

    private static readonly double[] PReluChannelSlope = [0.1, -0.5, 2];
    private static readonly double[] PReluFullSlope = Values(24, seed: 21).Select(v => (double)v).ToArray();
    private static readonly double[] VariadicSecond = [1, 4, 4];
    private static readonly double[] VariadicThird = [2, -5];
    private static readonly float[][] VariadicFull = [Values(10, seed: 22), Values(10, seed: 23), Values(10, seed: 24)];

    /// <summary>The one-node models that compile, by name; the generated class of each is named after it.</summary>
    private static Dictionary<string, ModelProto> ValidModels()
    {
        var models = new Dictionary<string, ModelProto>();
        foreach (string opType in UnaryFormulas.Keys)
        {
            models[$"unary_{opType}"] = OneNode(opType, [UnaryInput.Length]);
        }

        int unary = UnaryInput.Length;
        models["erf"] = OneNode("Erf", [20]);
        models["round"] = OneNode("Round", [10]);
        models["leaky_relu"] = OneNode("LeakyRelu", [unary], attributes: [TestModels.Float("alpha", 0.1f)]);
        models["leaky_relu_default"] = OneNode("LeakyRelu", [unary]);
        models["elu"] = OneNode("Elu", [unary], attributes: [TestModels.Float("alpha", 2f)]);
        models["selu_default"] = OneNode("Selu", [unary]);
        models["selu"] = OneNode("Selu", [unary], attributes: [TestModels.Float("alpha", 2f), TestModels.Float("gamma", 3f)]);
        models["celu"] = OneNode("Celu", [unary], attributes: [TestModels.Float("alpha", 2f)]);
        models["hard_sigmoid"] = OneNode("HardSigmoid", [unary], attributes: [TestModels.Float("alpha", 0.5f), TestModels.Float("beta", 0.6f)]);
        models["hard_sigmoid_default"] = OneNode("HardSigmoid", [unary]);
        models["thresholded_relu"] = OneNode("ThresholdedRelu", [unary], attributes: [TestModels.Float("alpha", 1.5f)]);
        models["shrink_soft"] = OneNode("Shrink", [10], attributes: [TestModels.Float("lambd", 1.5f), TestModels.Float("bias", 1.5f)]);
        models["shrink_no_band"] = OneNode("Shrink", [10], attributes: [TestModels.Float("lambd", 0f)]);
        models["clip_inputs"] = OneNode("Clip", [unary], inputs: [Scalar("clip_min", -1f), Scalar("clip_max", 1.5f)]);
        models["clip_max_only"] = OneNode("Clip", [unary], inputs: [null, Scalar("clip_max", 0.5f)]);
        models["clip_min_only"] = OneNode("Clip", [unary], inputs: [Scalar("clip_min", 0f)]);
        models["clip_unbounded"] = OneNode("Clip", [unary]);
        models["clip_opset10"] = OneNode("Clip", [unary], opset: 10, attributes: [TestModels.Float("min", -0.5f), TestModels.Float("max", 2f)]);
        models["clip_opset10_default"] = OneNode("Clip", [unary], opset: 10);
        models["prelu_channels"] = OneNode("PRelu", [2, 3, 4], inputs: [Tensor("slope", [3, 1], PReluChannelSlope)]);
        models["prelu_full"] = OneNode("PRelu", [2, 3, 4], inputs: [Tensor("slope", [2, 3, 4], PReluFullSlope)]);
        models["pow_broadcast"] = OneNode("Pow", [1, 3], [2, 3], inputs: [Tensor("exponent", [2, 1], [2, 0.5])]);
        models["pow_cube"] = OneNode("Pow", [9], inputs: [Tensor("exponent", [], [3])]);
        models["pow_square_root"] = OneNode("Pow", [3], inputs: [Tensor("exponent", [1], [0.5])]);
        foreach (string opType in new[] { "Min", "Max", "Sum", "Mean" })
        {
            models[$"variadic_{opType}"] = OneNode(opType, [3], [2, 3], inputs: [Tensor("data_1", [3], VariadicSecond), Tensor("data_2", [2, 1], VariadicThird)]);
            models[$"single_{opType}"] = OneNode(opType, [4]);
        }

        models["max_four"] = OneNode("Max", [10], inputs: VariadicFull.Select((values, i) => Tensor($"data_{i + 1}", [10], values.Select(v => (double)v).ToArray())).ToArray());
        models["mean_two"] = OneNode("Mean", [3], inputs: [Tensor("data_1", [3], [1, 3, 4])]);
        models["sum_opset7"] = OneNode("Sum", [3], opset: 7, inputs: [Tensor("data_1", [3], [10, 20, 30])]);
        models["log_softmax_opset11"] = OneNode("LogSoftmax", [2, 3, 4], opset: 11);
        models["log_softmax_axis1"] = OneNode("LogSoftmax", [2, 3, 4], attributes: [TestModels.Int("axis", 1)]);
        models["log_softmax_default"] = OneNode("LogSoftmax", [4, 4]);
        models["hardmax_default"] = OneNode("Hardmax", [4, 4]);
        models["hardmax_axis1"] = OneNode("Hardmax", [2, 3, 4], attributes: [TestModels.Int("axis", 1)]);
        models["hardmax_opset11"] = OneNode("Hardmax", [2, 3, 4], opset: 11);
        return models;
    }

    /// <summary>One-node models that the generator must reject with a message naming the problem.</summary>
    private static Dictionary<string, ModelProto> InvalidModels() => new()
    {
        ["sum_opset7_broadcast"] = OneNode("Sum", [2, 3], opset: 7, inputs: [Tensor("data_1", [3], [1, 2, 3])]),
        ["prelu_wrong_direction"] = OneNode("PRelu", [3], [2, 3], inputs: [Tensor("slope", [2, 3], [1, 2, 3, 4, 5, 6])]),
        ["clip_vector_bound"] = OneNode("Clip", [4], inputs: [Tensor("clip_min", [2], [0, 1])]),
        ["celu_zero_alpha"] = OneNode("Celu", [4], attributes: [TestModels.Float("alpha", 0f)]),
        ["max_not_broadcastable"] = OneNode("Max", [3], inputs: [Tensor("data_1", [4], [1, 2, 3, 4])]),
        ["log_softmax_bad_axis"] = OneNode("LogSoftmax", [2, 3, 4], attributes: [TestModels.Int("axis", 3)]),
    };

    /// <summary>
    /// A model whose one node reads the graph input x (shape <paramref name="inputShape"/>) and then the given
    /// initializers, a null one standing for an omitted optional input.
    /// </summary>
    private static ModelProto OneNode(
        string opType, long[] inputShape, long[]? outputShape = null, long opset = 17,
        TensorProto?[]? inputs = null, AttributeProto[]? attributes = null)
    {
        var graph = new GraphProto { Name = opType };
        graph.Input.Add(TestModels.Value("x", inputShape));
        graph.Output.Add(TestModels.Value("y", outputShape ?? inputShape));
        var names = new List<string> { "x" };
        foreach (TensorProto? initializer in inputs ?? [])
        {
            names.Add(initializer?.Name ?? string.Empty);
            if (initializer is not null)
            {
                graph.Initializer.Add(initializer);
            }
        }

        graph.Node.Add(TestModels.Node(opType.ToLowerInvariant(), opType, names.ToArray(), ["y"], attributes ?? []));
        return TestModels.Model(graph, opset);
    }

    private static TensorProto Scalar(string name, float value) => TestModels.RawFloats(name, [], value);

    private static TensorProto Tensor(string name, long[] dims, double[] values) =>
        TestModels.RawFloats(name, dims, values.Select(v => (float)v).ToArray());

    /// <summary>Values in [−2, 2), with a fixed seed.</summary>
    private static float[] Values(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 4 - 2)).ToArray();
    }

    /// <summary>ln(1 + eˣ), taking ln(1 + e) ≈ e where 1 + e would round to 1 in double.</summary>
    private static double Softplus(double x)
    {
        double e = Math.Exp(x);
        return e < 1e-10 ? e : Math.Log(1 + e);
    }

    /// <summary>Repeats <paramref name="values"/> of shape <paramref name="shape"/> to <paramref name="target"/> by numpy's broadcasting rule.</summary>
    private static double[] Broadcast(double[] values, int[] shape, int[] target)
    {
        int count = target.Aggregate(1, (p, d) => p * d);
        var result = new double[count];
        for (int index = 0; index < count; index++)
        {
            int remainder = index;
            int source = 0;
            int stride = 1;
            for (int axis = target.Length - 1; axis >= 0; axis--)
            {
                int coordinate = remainder % target[axis];
                remainder /= target[axis];
                int sourceAxis = axis - (target.Length - shape.Length);
                if (sourceAxis >= 0)
                {
                    source += (shape[sourceAxis] == 1 ? 0 : coordinate) * stride;
                    stride *= shape[sourceAxis];
                }
            }

            result[index] = values[source];
        }

        return result;
    }

    private static double[] LogSoftmax(float[] x, int outer, int axisLength, int inner)
    {
        var y = new double[x.Length];
        for (int o = 0; o < outer; o++)
        {
            for (int i = 0; i < inner; i++)
            {
                int First(int a) => (o * axisLength + a) * inner + i;
                double max = Enumerable.Range(0, axisLength).Max(a => (double)x[First(a)]);
                double sum = Enumerable.Range(0, axisLength).Sum(a => Math.Exp(x[First(a)] - max));
                for (int a = 0; a < axisLength; a++)
                {
                    y[First(a)] = x[First(a)] - max - Math.Log(sum);
                }
            }
        }

        return y;
    }

    private static float[] Hardmax(float[] x, int outer, int axisLength, int inner)
    {
        var y = new float[x.Length];
        for (int o = 0; o < outer; o++)
        {
            for (int i = 0; i < inner; i++)
            {
                int best = 0;
                for (int a = 1; a < axisLength; a++)
                {
                    if (x[(o * axisLength + a) * inner + i] > x[(o * axisLength + best) * inner + i])
                    {
                        best = a;
                    }
                }

                y[(o * axisLength + best) * inner + i] = 1f;
            }
        }

        return y;
    }

    /// <summary>
    /// Fails at the first element where <paramref name="actual"/> differs from <paramref name="expected"/> by more
    /// than <paramref name="tolerance"/>·|expected|. NaN must meet NaN, and an infinity the same infinity.
    /// </summary>
    private static void AssertClose(double[] expected, float[] actual, double tolerance = Tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double e = expected[i];
            double a = actual[i];
            bool same = double.IsNaN(e) ? double.IsNaN(a)
                : double.IsInfinity(e) ? a == e
                : Math.Abs(a - e) <= tolerance * Math.Abs(e);
            Assert.True(same, $"Element {i}: expected {e:R}, but got {a:R}.");
        }
    }

    /// <summary>All valid models, compiled together once for the test class.</summary>
    public sealed class CompiledModels : IDisposable
    {
        private readonly CompiledModelSet _models = new(ValidModels());

        /// <summary>Runs the network compiled from <paramref name="model"/> on one observation.</summary>
        public float[] Run(string model, float[] input) => _models.Run(model, input);

        /// <summary>The generated source of the network compiled from <paramref name="model"/>.</summary>
        public string Source(string model) => _models.Source(model);

        public void Dispose() => _models.Dispose();
    }
}
