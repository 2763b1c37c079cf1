using System.Reflection;
using Google.Protobuf;
using Kiln.Compiler.Read.Onnx;
using static Kiln.Compiler.Tests.TestModels;

namespace Kiln.Compiler.Tests;

/// <summary>
/// The GPU kernels of the parameterized activations, Clip, Min, Max, Sum, Mean, Where, Cast, LogSoftmax, Hardmax and
/// constant layers, run on ILGPU's CPU accelerator and compared with the CPU code of the same network. The shapes
/// span several thread groups of 256 and several observations.
/// </summary>
public sealed class GpuElementwiseTests : IDisposable
{
    private const int Observations = 3;

    private readonly TestModels _models = new();

    private readonly List<CompiledNetwork> _networks = [];

    public void Dispose()
    {
        foreach (CompiledNetwork network in _networks)
        {
            network.Dispose();
        }

        _models.Dispose();
    }

    [Fact]
    public void ActivationsMatchCpuCode()
    {
        (CompiledNetwork cpu, CompiledNetwork gpu) = Compile("activations.onnx", ActivationsModel());
        ReadOnlyMemory<float>[] inputs = [Wave(Observations * 3 * 20 * 30, 0.37f, 3f, withNaN: true), new float[] { 0.8f, -0.25f, 1.5f }];

        foreach (string layer in new[] { "relu", "leaky", "elu", "selu", "celu", "hard_sigmoid", "thresholded", "shrink", "clip_inputs", "clip_min_only" })
        {
            float[] expected = cpu.Activations(inputs, layer).ToArray();
            float[] actual = gpu.Activations(inputs, layer).ToArray();

            Assert.Equal(Observations * 3 * 20 * 30, actual.Length);
            AssertSame(layer, expected, actual);
        }

        // Every plane of x contains NaNs, none first in its plane, and the maximum keeps them as the CPU does.
        float[] maxima = gpu.Activations(inputs, "global_max").ToArray();
        AssertSame("global_max", cpu.Activations(inputs, "global_max").ToArray(), maxima);
        Assert.All(maxima, value => Assert.True(float.IsNaN(value)));
    }

    [Fact]
    public void OpsetSixRulesMatchCpuCode()
    {
        (CompiledNetwork cpu, CompiledNetwork gpu) = Compile("opset6.onnx", OpsetSixModel());
        ReadOnlyMemory<float>[] inputs = [Wave(Observations * 5 * 7 * 11, 0.61f, 4f), Wave(Observations * 5 * 7 * 11, 0.23f, 2f)];

        foreach (string layer in new[] { "clip", "sum", "mean", "hardmax" })
        {
            AssertSame(layer, cpu.Activations(inputs, layer).ToArray(), gpu.Activations(inputs, layer).ToArray());
        }

        // MathF.Exp on the GPU, Vector256.Exp on the CPU.
        GpuComparison.AssertClose(cpu.Activations(inputs, "log_softmax").ToArray(), gpu.Activations(inputs, "log_softmax").ToArray(), "log_softmax", relativeTolerance: 1e-5f);
    }

    [Fact]
    public void BroadcastingMatchesCpuCode()
    {
        (CompiledNetwork cpu, CompiledNetwork gpu) = Compile("broadcast.onnx", BroadcastModel());
        ReadOnlyMemory<float>[] inputs = [Wave(Observations * 4 * 40, 0.41f, 2f, withNaN: true), Wave(Observations * 8 * 40, 0.19f, 2f), Wave(Observations * 40, 0.83f, 2f)];

        foreach (string layer in new[] { "min", "max", "sum", "mean", "single_max", "where_constant", "where_computed" })
        {
            float[] expected = cpu.Activations(inputs, layer).ToArray();
            float[] actual = gpu.Activations(inputs, layer).ToArray();

            Assert.Equal(Observations * 4 * 8 * 40, actual.Length);
            AssertSame(layer, expected, actual);
        }
    }

    [Fact]
    public void CastAndSoftmaxVariantsMatchCpuCode()
    {
        (CompiledNetwork cpu, CompiledNetwork gpu) = Compile("cast.onnx", CastModel());
        float[] input = Wave(Observations * 6 * 9 * 10, 0.29f, 70000f);

        foreach (string layer in new[] { "float16", "bfloat16", "int32", "bool", "int_to_float", "hardmax_ties", "constant_layer" })
        {
            AssertSame(layer, cpu.Activations(input, layer).ToArray(), gpu.Activations(input, layer).ToArray());
        }

        foreach (string layer in new[] { "log_softmax_inner", "log_softmax_last" })
        {
            GpuComparison.AssertClose(cpu.Activations(input, layer).ToArray(), gpu.Activations(input, layer).ToArray(), layer, relativeTolerance: 1e-5f);
        }
    }

    [Fact]
    public void EmptyTensorsLaunchNothing()
    {
        (CompiledNetwork cpu, CompiledNetwork gpu) = Compile("empty.onnx", EmptyModel());
        float[] input = Wave(Observations * 2 * 300, 0.53f, 2f);

        float[] empty = gpu.Activations(input, "empty_cast").ToArray();
        float[] expected = cpu.Activations(input, "leaky").ToArray();
        float[] actual = gpu.Activations(input, "leaky").ToArray();

        Assert.Empty(empty);
        Assert.Empty(cpu.Activations(input, "empty_cast").ToArray());
        AssertSame("leaky", expected, actual);
    }

    [Fact]
    public void AllEmptyNetworkReturnsNothing()
    {
        (CompiledNetwork cpu, CompiledNetwork gpu) = Compile("all-empty.onnx", AllEmptyModel());
        ReadOnlyMemory<float>[] noInputs = [];

        Assert.Empty(cpu.Activations(noInputs, "empty_cast").ToArray());
        Assert.Empty(gpu.Activations(noInputs, "empty_cast").ToArray());
    }

    [Fact]
    public void CastRoundsLikeTargetType()
    {
        (_, CompiledNetwork gpu) = Compile("cast.onnx", CastModel());
        float[] input = new float[Observations * 540];
        float[] probes = [1.00048828125f, 1.000732421875f, 65519f, 65520f, -2.5f, 0.7f, 6e-8f, 1.0078125f + 0.001f];
        probes.CopyTo(input, 0);

        float[] float16 = gpu.Activations(input, "float16").ToArray();
        float[] bfloat16 = gpu.Activations(input, "bfloat16").ToArray();
        float[] int32 = gpu.Activations(input, "int32").ToArray();

        // 1 + 2⁻¹¹ lies halfway between the float16 neighbours 1 and 1 + 2⁻¹⁰, so it rounds to the even 1. 65520 rounds
        // past the largest float16, 65504, to infinity, and 6e-8 rounds to the subnormal 2⁻²⁴.
        Assert.Equal([1f, 1.0009765625f, 65504f, float.PositiveInfinity, -2.5f, 0.7001953125f, 5.9604645e-8f, 1.0087890625f], float16[..8]);
        Assert.Equal(1.0078125f, bfloat16[7]);
        Assert.Equal([1f, 1f, 65519f, 65520f, -2f, 0f, 0f, 1f], int32[..8]);
    }

    /// <summary>Relu, GlobalMaxPool and each parameterized activation on x, and Clip with a constant lower bound and a computed upper bound.</summary>
    private static ModelProto ActivationsModel()
    {
        var graph = new GraphProto { Name = "activations" };
        graph.Input.Add(Value("x", -1, 3, 20, 30));
        graph.Input.Add(Value("limit", -1, 1));
        foreach (string layer in new[] { "relu", "leaky", "elu", "selu", "celu", "hard_sigmoid", "thresholded", "shrink", "clip_inputs", "clip_min_only" })
        {
            graph.Output.Add(Value(layer, -1, 3, 20, 30));
        }

        graph.Output.Add(Value("global_max", -1, 3, 1, 1));
        graph.Initializer.Add(RawFloats("lower", [], -0.75f));
        graph.Node.Add(Node("relu", "Relu", ["x"], ["relu"]));
        graph.Node.Add(Node("global_max", "GlobalMaxPool", ["x"], ["global_max"]));
        graph.Node.Add(Node("leaky", "LeakyRelu", ["x"], ["leaky"], Float("alpha", 0.1f)));
        graph.Node.Add(Node("elu", "Elu", ["x"], ["elu"], Float("alpha", 0.7f)));
        graph.Node.Add(Node("selu", "Selu", ["x"], ["selu"]));
        graph.Node.Add(Node("celu", "Celu", ["x"], ["celu"], Float("alpha", 1.5f)));
        graph.Node.Add(Node("hard_sigmoid", "HardSigmoid", ["x"], ["hard_sigmoid"], Float("alpha", 0.3f), Float("beta", 0.4f)));
        graph.Node.Add(Node("thresholded", "ThresholdedRelu", ["x"], ["thresholded"], Float("alpha", 0.3f)));
        graph.Node.Add(Node("shrink", "Shrink", ["x"], ["shrink"], Float("lambd", 0.4f), Float("bias", 0.2f)));
        graph.Node.Add(Node("upper", "Abs", ["limit"], ["upper"]));
        graph.Node.Add(Node("clip_inputs", "Clip", ["x", "lower", "upper"], ["clip_inputs"]));
        graph.Node.Add(Node("clip_min_only", "Clip", ["x", "lower"], ["clip_min_only"]));
        return Model(graph, 13);
    }

    /// <summary>Clip with attributes, Sum and Mean of equal shapes, and LogSoftmax and Hardmax over all axes from axis 2.</summary>
    private static ModelProto OpsetSixModel()
    {
        var graph = new GraphProto { Name = "opset6" };
        graph.Input.Add(Value("a", -1, 5, 7, 11));
        graph.Input.Add(Value("b", -1, 5, 7, 11));
        foreach (string layer in new[] { "clip", "sum", "mean", "log_softmax", "hardmax" })
        {
            graph.Output.Add(Value(layer, -1, 5, 7, 11));
        }
        graph.Node.Add(Node("clip", "Clip", ["a"], ["clip"], Float("min", -1.5f), Float("max", 2.25f)));
        graph.Node.Add(Node("sum", "Sum", ["a", "b", "clip"], ["sum"]));
        graph.Node.Add(Node("mean", "Mean", ["a", "b", "clip"], ["mean"]));
        graph.Node.Add(Node("log_softmax", "LogSoftmax", ["sum"], ["log_softmax"], Int("axis", 2)));
        graph.Node.Add(Node("hardmax", "Hardmax", ["mean"], ["hardmax"], Int("axis", 2)));
        return Model(graph, 6);
    }

    /// <summary>Min, Max, Sum and Mean of inputs broadcast to 4×8×40, and Where with a constant and with a computed condition.</summary>
    private static ModelProto BroadcastModel()
    {
        var graph = new GraphProto { Name = "broadcast" };
        graph.Input.Add(Value("a", -1, 4, 1, 40));
        graph.Input.Add(Value("b", -1, 1, 8, 40));
        graph.Input.Add(Value("c", -1, 40));
        foreach (string layer in new[] { "min", "max", "sum", "mean", "single_max", "where_constant", "where_computed" })
        {
            graph.Output.Add(Value(layer, -1, 4, 8, 40));
        }
        graph.Initializer.Add(Bools("mask", [8, 1], true, false, false, true, true, true, false, true));
        graph.Node.Add(Node("min", "Min", ["a", "b", "c"], ["min"]));
        graph.Node.Add(Node("max", "Max", ["a", "b"], ["max"]));
        graph.Node.Add(Node("sum", "Sum", ["a", "b", "c", "min"], ["sum"]));
        graph.Node.Add(Node("mean", "Mean", ["max", "c", "b"], ["mean"]));
        graph.Node.Add(Node("single_max", "Max", ["mean"], ["single_max"]));
        graph.Node.Add(Node("where_constant", "Where", ["mask", "a", "b"], ["where_constant"]));
        graph.Node.Add(Node("greater", "Greater", ["a", "b"], ["greater"]));
        graph.Node.Add(Node("where_computed", "Where", ["greater", "c", "sum"], ["where_computed"]));
        return Model(graph, 13);
    }

    /// <summary>Casts of x to each rounding target and back, Hardmax over values with ties, LogSoftmax along an inner and the last axis, and an int64 constant layer.</summary>
    private static ModelProto CastModel()
    {
        var graph = new GraphProto { Name = "cast" };
        graph.Input.Add(Value("x", -1, 6, 9, 10));
        foreach (string layer in new[] { "float16", "bfloat16", "int32", "bool", "int_to_float", "hardmax_ties", "log_softmax_inner", "log_softmax_last" })
        {
            graph.Output.Add(Value(layer, -1, 6, 9, 10));
        }

        graph.Output.Add(Value("constant_layer", 2, 3));
        graph.Initializer.Add(RawFloats("scale", [], 1e-4f));
        graph.Node.Add(Node("float16", "Cast", ["x"], ["float16"], Int("to", (long)TensorProto.Types.DataType.Float16)));
        graph.Node.Add(Node("bfloat16", "Cast", ["x"], ["bfloat16"], Int("to", (long)TensorProto.Types.DataType.Bfloat16)));
        graph.Node.Add(Node("int32", "Cast", ["x"], ["int32"], Int("to", (long)TensorProto.Types.DataType.Int32)));
        graph.Node.Add(Node("bool", "Cast", ["int32"], ["bool"], Int("to", (long)TensorProto.Types.DataType.Bool)));
        graph.Node.Add(Node("small", "Mul", ["x", "scale"], ["small"]));
        graph.Node.Add(Node("small_int", "Cast", ["small"], ["small_int"], Int("to", (long)TensorProto.Types.DataType.Int32)));
        graph.Node.Add(Node("int_to_float", "Cast", ["small_int"], ["int_to_float"], Int("to", (long)TensorProto.Types.DataType.Float)));
        graph.Node.Add(Node("hardmax_ties", "Hardmax", ["int_to_float"], ["hardmax_ties"], Int("axis", 1)));
        graph.Node.Add(Node("log_softmax_inner", "LogSoftmax", ["small"], ["log_softmax_inner"], Int("axis", 1)));
        graph.Node.Add(Node("log_softmax_last", "LogSoftmax", ["small"], ["log_softmax_last"]));
        graph.Node.Add(Node("constant_layer", "Constant", [], ["constant_layer"], TensorAttribute("value", Int64s("values", [2, 3], 4, -1, 7, 0, 2, 9))));
        return Model(graph, 13);
    }

    /// <summary>ConstantOfShape and Cast of shape [0], which have nothing to compute, beside LeakyRelu of x.</summary>
    private static ModelProto EmptyModel()
    {
        var graph = new GraphProto { Name = "empty" };
        graph.Input.Add(Value("x", -1, 2, 300));
        graph.Output.Add(Value("empty_cast", 0));
        graph.Output.Add(Value("leaky", -1, 2, 300));
        graph.Initializer.Add(Int64s("zero_shape", [1], 0));
        graph.Node.Add(Node("empty", "ConstantOfShape", ["zero_shape"], ["empty"]));
        graph.Node.Add(Node("empty_cast", "Cast", ["empty"], ["empty_cast"], Int("to", (long)TensorProto.Types.DataType.Float16)));
        graph.Node.Add(Node("leaky", "LeakyRelu", ["x"], ["leaky"]));
        return Model(graph, 13);
    }

    /// <summary>A network whose only layers have no elements, so that its arena is empty too. No node reads x, so the network has no input.</summary>
    private static ModelProto AllEmptyModel()
    {
        var graph = new GraphProto { Name = "all-empty" };
        graph.Input.Add(Value("x", -1, 2));
        graph.Output.Add(Value("empty_cast", 0));
        graph.Initializer.Add(Int64s("zero_shape", [1], 0));
        graph.Node.Add(Node("empty", "ConstantOfShape", ["zero_shape"], ["empty"]));
        graph.Node.Add(Node("empty_cast", "Cast", ["empty"], ["empty_cast"], Int("to", (long)TensorProto.Types.DataType.Float16)));
        return Model(graph, 13);
    }

    private (CompiledNetwork Cpu, CompiledNetwork Gpu) Compile(string fileName, ModelProto model)
    {
        string path = _models.Write(fileName, model);
        string declaration = $"namespace Sample; [Kiln.OnnxNetwork(\"{fileName}\")] public sealed partial class Net;";
        GeneratorRun run = GeneratorHarness.Run(GpuHarness.CreateGpuCompilation(declaration), path);
        Assert.Empty(run.KilnDiagnostics);
        Assert.Empty(run.CompilationProblems);

        Assembly assembly = run.Load(path);
        CompiledNetwork cpu = GpuComparison.Create(assembly, "Sample.Net", GpuComparison.Cpu);
        CompiledNetwork gpu = GpuComparison.Create(assembly, "Sample.Net", GpuComparison.EmulatedGpu);
        _networks.Add(cpu);
        _networks.Add(gpu);
        return (cpu, gpu);
    }

    /// <summary>
    /// A deterministic input: <paramref name="amplitude"/> · sin(<paramref name="frequency"/> · i), with some exact
    /// zeros and, when <paramref name="withNaN"/> is set, some NaNs.
    /// </summary>
    private static float[] Wave(int count, float frequency, float amplitude, bool withNaN = false)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++)
        {
            if (i % 17 == 0)
            {
                values[i] = 0f;
            }
            else if (withNaN && i % 29 == 0)
            {
                values[i] = float.NaN;
            }
            else
            {
                values[i] = amplitude * MathF.Sin(i * frequency);
            }
        }

        return values;
    }

    private static TensorProto Bools(string name, long[] dims, params bool[] values)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Bool };
        tensor.Dims.AddRange(dims);
        tensor.RawData = ByteString.CopyFrom(values.Select(value => value ? (byte)1 : (byte)0).ToArray());
        return tensor;
    }

    private static AttributeProto TensorAttribute(string name, TensorProto value) =>
        new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Tensor, T = value };

    /// <summary>Bit-for-bit equality, for kernels that run the CPU path's own scalar code.</summary>
    private static void AssertSame(string layer, float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(expected[i].Equals(actual[i]), $"Layer {layer}, element {i}: GPU {actual[i]}, CPU {expected[i]}.");
        }
    }
}
