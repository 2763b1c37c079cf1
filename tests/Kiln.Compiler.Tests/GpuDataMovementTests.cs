using System.Reflection;
using Kiln.Compiler.Read.Onnx;
using Microsoft.CodeAnalysis;
using static Kiln.Compiler.Tests.TestModels;

namespace Kiln.Compiler.Tests;

/// <summary>
/// Runs the GPU kernels of the data-movement, Reduce, ArgMax and ArgMin operators on ILGPU's CPU accelerator and
/// compares them with the CPU code of the same network. The shapes are larger than the ONNX node tests' (more outputs
/// than one thread group) and every run has three observations. The Reduce models cover both kernel layouts: a thread
/// per output, and a thread group per output when few outputs reduce many values each.
/// </summary>
public sealed class GpuDataMovementTests : IClassFixture<GpuDataMovementTests.CompiledModels>
{
    private const int Observations = 3;

    private readonly CompiledModels _models;

    public GpuDataMovementTests(CompiledModels models)
    {
        _models = models;
    }

    [Theory]
    [InlineData("transpose")]
    [InlineData("slice_negative_steps")]
    [InlineData("slice_opset9")]
    [InlineData("tile")]
    [InlineData("expand")]
    [InlineData("depth_to_space_dcr")]
    [InlineData("depth_to_space_crd")]
    [InlineData("space_to_depth")]
    [InlineData("unsqueeze")]
    [InlineData("squeeze")]
    [InlineData("concat")]
    [InlineData("pad_constant_input")]
    [InlineData("pad_constant_attribute")]
    [InlineData("pad_reflect")]
    [InlineData("pad_edge_crop")]
    [InlineData("gather_constant_lookup")]
    [InlineData("gather_constant_progression")]
    [InlineData("gather_constant_scalar")]
    public void DataMovementMatchesCpu(string model) => AssertGpuMatchesCpu(model, "y", Wave);

    [Theory]
    [InlineData("y0")]
    [InlineData("y1")]
    [InlineData("y2")]
    public void SplitMatchesCpu(string output) => AssertGpuMatchesCpu("split", output, Wave);

    [Theory]
    [InlineData("resize_nearest_half_pixel")]
    [InlineData("resize_nearest_asymmetric_floor")]
    [InlineData("resize_nearest_align_corners_ceil")]
    [InlineData("resize_nearest_round_prefer_ceil")]
    [InlineData("resize_linear_half_pixel")]
    [InlineData("resize_linear_align_corners")]
    [InlineData("resize_linear_pytorch_half_pixel")]
    [InlineData("resize_linear_scales_down")]
    [InlineData("resize_cubic_half_pixel")]
    [InlineData("resize_cubic_exclude_outside")]
    [InlineData("resize_cubic_asymmetric")]
    [InlineData("resize_tf_crop_and_resize")]
    [InlineData("upsample_nearest")]
    [InlineData("upsample_linear")]
    public void ResizeMatchesCpu(string model) => AssertGpuMatchesCpu(model, "y", Wave);

    [Theory]
    [InlineData("reduce_sum_axes_input")]
    [InlineData("reduce_sum_noop")]
    [InlineData("reduce_mean_all")]
    [InlineData("reduce_max")]
    [InlineData("reduce_min")]
    [InlineData("reduce_prod")]
    [InlineData("reduce_l1")]
    [InlineData("reduce_l2")]
    [InlineData("reduce_sum_square")]
    [InlineData("reduce_log_sum")]
    [InlineData("reduce_log_sum_exp")]
    [InlineData("reduce_log_sum_exp_all")]
    [InlineData("reduce_prod_group")]
    [InlineData("reduce_min_group")]
    public void ReduceMatchesCpu(string model) => AssertGpuMatchesCpu(model, "y", Wave);

    [Theory]
    [InlineData("argmax_last_index")]
    [InlineData("argmax_keepdims")]
    [InlineData("argmin_last_index")]
    [InlineData("argmin_first_index")]
    public void ArgExtremumMatchesCpu(string model) => AssertGpuMatchesCpu(model, "y", Ties);

    [Fact]
    public void GatherRunTimeIndicesMatchCpu()
    {
        // Each observation picks columns of the 40×33 data by 12 indices, some negative, some repeated.
        float[] data = Enumerable.Range(0, Observations * 40 * 33).Select(Wave).ToArray();
        float[] indices = Enumerable.Range(0, Observations * 12).Select(i => (float)((i * 7 % 66) - 33)).ToArray();
        using CompiledNetwork cpu = _models.Create("gather_run_time", ExecutionEnvironment.Cpu);
        using CompiledNetwork gpu = _models.Create("gather_run_time", ExecutionEnvironment.Gpu);

        float[] expected = cpu.Activations([data, indices], "y").ToArray();
        float[] actual = gpu.Activations([data, indices], "y").ToArray();

        Assert.Equal(Observations * 40 * 12, actual.Length);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void GatherOutOfRangeIndexGivesNaN()
    {
        float[] data = Enumerable.Range(0, 40 * 33).Select(Wave).ToArray();
        float[] indices = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 40];
        using CompiledNetwork gpu = _models.Create("gather_run_time", ExecutionEnvironment.Gpu);

        float[] actual = gpu.Activations([data, indices], "y").ToArray();

        // Row r of the 40×12 output reads data row r. Its last column reads index 40, past the axis of 33.
        Assert.Equal(data[(5 * 33) + 10], actual[(5 * 12) + 10]);
        Assert.True(float.IsNaN(actual[(5 * 12) + 11]), $"Expected NaN for index 40, got {actual[(5 * 12) + 11]}.");
    }

    [Fact]
    public void LongConstantGatherReportsKln0021()
    {
        // 65 build-time indices that are no arithmetic progression: one more than a kernel writes into its code.
        long[] indices = Enumerable.Range(0, 65).Select(i => (long)(i * i % 65)).ToArray();
        using var files = new TestModels();
        string path = files.Write("gather_long.onnx", OneNode("Gather", [100, 3], inputs: [Int64s("indices", [65], indices)]));

        GeneratorRun run = GeneratorHarness.Run(GpuHarness.CreateGpuCompilation(CompiledModelSet.Declare(["gather_long"])), path);

        Diagnostic diagnostic = Assert.Single(run.KilnDiagnostics);
        Assert.Equal("KLN0021", diagnostic.Id);
        Assert.Contains("its 65 build-time indices are not an arithmetic progression", diagnostic.GetMessage());
    }

    /// <summary>A smooth input of both signs.</summary>
    private static float Wave(int i) => MathF.Sin(i * 0.37f) * 2f;

    /// <summary>An input of few distinct values, so that ArgMax and ArgMin meet ties.</summary>
    private static float Ties(int i) => MathF.Round(MathF.Sin(i * 0.37f) * 2f);

    private void AssertGpuMatchesCpu(string model, string output, Func<int, float> value)
    {
        using CompiledNetwork cpu = _models.Create(model, ExecutionEnvironment.Cpu);
        using CompiledNetwork gpu = _models.Create(model, ExecutionEnvironment.Gpu);
        float[] input = Enumerable.Range(0, Observations * cpu.Definition.InputLength).Select(value).ToArray();

        float[] expected = cpu.Activations(input, output).ToArray();
        float[] actual = gpu.Activations(input, output).ToArray();

        Assert.Equal(expected.Length, actual.Length);
        float tolerance = 1e-4f * Math.Max(1f, expected.Where(float.IsFinite).Select(MathF.Abs).DefaultIfEmpty(0f).Max());
        for (int i = 0; i < expected.Length; i++)
        {
            bool close = float.IsNaN(expected[i]) ? float.IsNaN(actual[i]) : expected[i] == actual[i] || MathF.Abs(expected[i] - actual[i]) <= tolerance;
            Assert.True(close, $"Element {i} of {expected.Length}: GPU {actual[i]}, CPU {expected[i]}, tolerance {tolerance}.");
        }
    }

    /// <summary>The models, by name; each has the float input x and the output y unless its test names others.</summary>
    private static Dictionary<string, ModelProto> AllModels() => new()
    {
        ["transpose"] = OneNode("Transpose", [2, 6, 10, 12], attributes: [Ints("perm", 0, 2, 3, 1)]),
        ["slice_negative_steps"] = OneNode("Slice", [4, 20, 30], inputs:
            [Int64s("starts", [3], 1, -1, 28), Int64s("ends", [3], 4, 2, -100), Int64s("axes", [3], 0, 1, 2), Int64s("steps", [3], 1, -2, -3)]),
        ["slice_opset9"] = OneNode("Slice", [6, 50], opset: 9, attributes: [Ints("starts", 1, -45), Ints("ends", 5, 1000)]),
        ["tile"] = OneNode("Tile", [3, 5, 7], inputs: [Int64s("repeats", [3], 2, 3, 2)]),
        ["expand"] = OneNode("Expand", [1, 8, 1], inputs: [Int64s("shape", [3], 6, 8, 10)]),
        ["depth_to_space_dcr"] = OneNode("DepthToSpace", [1, 16, 6, 7], attributes: [Int("blocksize", 2), Text("mode", "DCR")]),
        ["depth_to_space_crd"] = OneNode("DepthToSpace", [1, 18, 5, 6], attributes: [Int("blocksize", 3), Text("mode", "CRD")]),
        ["space_to_depth"] = OneNode("SpaceToDepth", [1, 3, 12, 10], attributes: [Int("blocksize", 2)]),
        ["unsqueeze"] = OneNode("Unsqueeze", [20, 30], inputs: [Int64s("axes", [2], 0, -1)]),
        ["squeeze"] = OneNode("Squeeze", [20, 1, 30, 1], opset: 11, attributes: [Ints("axes", 1, 3)]),
        ["concat"] = ConcatModel(),
        ["split"] = SplitModel(),
        ["pad_constant_input"] = OneNode("Pad", [1, 3, 17, 19], inputs: [Int64s("pads", [8], 0, 0, 3, -2, 0, 1, 4, 5), RawFloats("value", [], 2.5f)]),
        ["pad_constant_attribute"] = OneNode("Pad", [3, 17, 19], opset: 2, attributes: [Ints("pads", 1, 2, 0, 0, 3, 4), Float("value", -1.5f)]),
        ["pad_reflect"] = OneNode("Pad", [1, 3, 17, 19], inputs: [Int64s("pads", [8], 0, 0, 2, 3, 0, 0, 4, 1)], attributes: [Text("mode", "reflect")]),
        ["pad_edge_crop"] = OneNode("Pad", [1, 3, 17, 19], inputs: [Int64s("pads", [8], 0, 1, 5, -2, 0, 0, -3, 6)], attributes: [Text("mode", "edge")]),
        ["gather_constant_lookup"] = OneNode("Gather", [6, 20, 15], inputs: [Int64s("indices", [2, 3], 3, -1, 0, 5, 19, -20)], attributes: [Int("axis", 1)]),
        ["gather_constant_progression"] = OneNode("Gather", [6, 20, 15], inputs: [Int64s("indices", [4], 1, 4, 7, 10)], attributes: [Int("axis", -1)]),
        ["gather_constant_scalar"] = OneNode("Gather", [30, 20], inputs: [Int64s("indices", [], -2)]),
        ["gather_run_time"] = GatherRunTimeModel(),
        ["resize_nearest_half_pixel"] = Resize([1, 3, 10, 12], sizes: [1, 3, 17, 23], "nearest", "half_pixel"),
        ["resize_nearest_asymmetric_floor"] = Resize([1, 3, 10, 12], sizes: [1, 3, 25, 30], "nearest", "asymmetric", [Text("nearest_mode", "floor")]),
        ["resize_nearest_align_corners_ceil"] = Resize([1, 3, 10, 12], sizes: [1, 3, 19, 7], "nearest", "align_corners", [Text("nearest_mode", "ceil")]),
        ["resize_nearest_round_prefer_ceil"] = Resize([1, 3, 10, 12], scales: [1, 1, 2, 1.5f], "nearest", "asymmetric", [Text("nearest_mode", "round_prefer_ceil")]),
        ["resize_linear_half_pixel"] = Resize([1, 3, 10, 12], sizes: [1, 3, 17, 23], "linear", "half_pixel"),
        ["resize_linear_align_corners"] = Resize([2, 3, 10, 12], sizes: [2, 3, 21, 8], "linear", "align_corners"),
        ["resize_linear_pytorch_half_pixel"] = Resize([1, 3, 10, 12], sizes: [1, 3, 1, 31], "linear", "pytorch_half_pixel"),
        ["resize_linear_scales_down"] = Resize([1, 3, 20, 24], scales: [1, 1, 0.6f, 0.45f], "linear", "half_pixel"),
        ["resize_cubic_half_pixel"] = Resize([1, 3, 10, 12], sizes: [1, 3, 17, 23], "cubic", "half_pixel"),
        ["resize_cubic_exclude_outside"] = Resize([1, 3, 10, 12], scales: [1, 1, 1.7f, 2.5f], "cubic", "half_pixel",
            [Int("exclude_outside", 1), Float("cubic_coeff_a", -0.5f)]),
        ["resize_cubic_asymmetric"] = Resize([1, 3, 10, 12], sizes: [1, 3, 15, 26], "cubic", "asymmetric"),
        ["resize_tf_crop_and_resize"] = Resize([1, 3, 10, 12], sizes: [1, 3, 13, 17], "linear", "tf_crop_and_resize",
            [Float("extrapolation_value", 9f)], roi: [0, 0, -0.2f, 0.3f, 1, 1, 0.8f, 1.4f]),
        ["upsample_nearest"] = OneNode("Upsample", [1, 3, 9, 11], opset: 9, inputs: [RawFloats("scales", [4], 1, 1, 3, 2)]),
        ["upsample_linear"] = OneNode("Upsample", [1, 3, 9, 11], opset: 7, attributes: [Floats("scales", 1, 1, 2.5f, 2), Text("mode", "linear")]),
        ["reduce_sum_axes_input"] = OneNode("ReduceSum", [3, 20, 4, 10], inputs: [Int64s("axes", [2], 1, -1)]),
        ["reduce_sum_noop"] = OneNode("ReduceSum", [3, 20, 4, 10], attributes: [Int("noop_with_empty_axes", 1)]),
        ["reduce_mean_all"] = OneNode("ReduceMean", [3, 20, 4, 10], opset: 13, attributes: [Int("keepdims", 0)]),
        ["reduce_max"] = OneNode("ReduceMax", [3, 20, 4, 10], opset: 13, attributes: [Ints("axes", 1, 3)]),
        ["reduce_min"] = OneNode("ReduceMin", [3, 20, 4, 10], opset: 13, attributes: [Ints("axes", 0, 2), Int("keepdims", 0)]),
        ["reduce_prod"] = OneNode("ReduceProd", [3, 20, 4, 10], opset: 13, attributes: [Ints("axes", -3)]),
        ["reduce_l1"] = OneNode("ReduceL1", [3, 20, 4, 10], opset: 13, attributes: [Ints("axes", 1, 2)]),
        ["reduce_l2"] = OneNode("ReduceL2", [3, 20, 4, 10], opset: 13, attributes: [Ints("axes", 3), Int("keepdims", 0)]),
        ["reduce_sum_square"] = OneNode("ReduceSumSquare", [3, 20, 4, 10], opset: 13, attributes: [Ints("axes", 0, 1, 2)]),
        ["reduce_log_sum"] = OneNode("ReduceLogSum", [3, 20, 4, 10], opset: 13, attributes: [Ints("axes", 2)]),
        ["reduce_log_sum_exp"] = OneNode("ReduceLogSumExp", [3, 20, 4, 10], opset: 13, attributes: [Ints("axes", 1)]),
        ["reduce_log_sum_exp_all"] = OneNode("ReduceLogSumExp", [3, 20, 4, 10], opset: 13, attributes: [Int("keepdims", 0)]),
        ["reduce_prod_group"] = OneNode("ReduceProd", [3, 20, 4, 10], opset: 13, attributes: [Ints("axes", 1, 3)]),
        ["reduce_min_group"] = OneNode("ReduceMin", [3, 20, 4, 10], opset: 13, attributes: [Ints("axes", 1, 2, 3)]),
        ["argmax_last_index"] = OneNode("ArgMax", [4, 50, 9], attributes: [Int("axis", 1), Int("keepdims", 0), Int("select_last_index", 1)]),
        ["argmax_keepdims"] = OneNode("ArgMax", [30, 4, 9], attributes: [Int("axis", -1)]),
        ["argmin_last_index"] = OneNode("ArgMin", [4, 50, 9], attributes: [Int("axis", 1), Int("select_last_index", 1)]),
        ["argmin_first_index"] = OneNode("ArgMin", [60, 7], attributes: [Int("axis", 0), Int("keepdims", 0)]),
    };

    /// <summary>A model of one node that reads the float input x, then the given initializers, and writes y.</summary>
    private static ModelProto OneNode(string opType, long[] inputShape, long opset = 13, TensorProto[]? inputs = null, AttributeProto[]? attributes = null)
    {
        var graph = new GraphProto { Name = opType };
        graph.Input.Add(Value("x", inputShape));
        graph.Output.Add(Output("y"));
        var names = new List<string> { "x" };
        foreach (TensorProto initializer in inputs ?? [])
        {
            names.Add(initializer.Name);
            graph.Initializer.Add(initializer);
        }

        graph.Node.Add(Node(opType.ToLowerInvariant(), opType, names.ToArray(), ["y"], attributes ?? []));
        return Model(graph, opset);
    }

    /// <summary>A Resize node (opset 13) with the output size given by <paramref name="sizes"/> or <paramref name="scales"/>.</summary>
    private static ModelProto ResizeNode(
        long[] inputShape, string mode, string transform, AttributeProto[]? attributes = null, long[]? sizes = null, float[]? scales = null, float[]? roi = null)
    {
        var graph = new GraphProto { Name = "Resize" };
        graph.Input.Add(Value("x", inputShape));
        graph.Output.Add(Output("y"));
        var names = new List<string> { "x", roi is null ? string.Empty : "roi", scales is null ? string.Empty : "scales" };
        if (roi is not null)
        {
            graph.Initializer.Add(RawFloats("roi", [roi.Length], roi));
        }

        if (scales is not null)
        {
            graph.Initializer.Add(RawFloats("scales", [scales.Length], scales));
        }

        if (sizes is not null)
        {
            names.Add("sizes");
            graph.Initializer.Add(Int64s("sizes", [sizes.Length], sizes));
        }

        AttributeProto[] all = [Text("mode", mode), Text("coordinate_transformation_mode", transform), .. attributes ?? []];
        graph.Node.Add(Node("resize", "Resize", names.ToArray(), ["y"], all));
        return Model(graph, 13);
    }

    private static ModelProto Resize(long[] inputShape, long[] sizes, string mode, string transform, AttributeProto[]? attributes = null, float[]? roi = null) =>
        ResizeNode(inputShape, mode, transform, attributes, sizes: sizes, roi: roi);

    private static ModelProto Resize(long[] inputShape, float[] scales, string mode, string transform, AttributeProto[]? attributes = null) =>
        ResizeNode(inputShape, mode, transform, attributes, scales: scales);

    /// <summary>Concat along axis 1 of x, a weight and x again: inputs of 5, 3 and 5 rows.</summary>
    private static ModelProto ConcatModel()
    {
        var graph = new GraphProto { Name = "Concat" };
        graph.Input.Add(Value("x", 2, 5, 30));
        graph.Output.Add(Output("y"));
        graph.Initializer.Add(RawFloats("w", [2, 3, 30], Enumerable.Range(0, 180).Select(i => i * 0.01f).ToArray()));
        graph.Node.Add(Node("concat", "Concat", ["x", "w", "x"], ["y"], Int("axis", -2)));
        return Model(graph, 13);
    }

    /// <summary>Split along axis 1 of a 4×30×5 input into 7, 0 and 23 rows.</summary>
    private static ModelProto SplitModel()
    {
        var graph = new GraphProto { Name = "Split" };
        graph.Input.Add(Value("x", 4, 30, 5));
        graph.Output.Add(Output("y0"));
        graph.Output.Add(Output("y1"));
        graph.Output.Add(Output("y2"));
        graph.Initializer.Add(Int64s("split", [3], 7, 0, 23));
        graph.Node.Add(Node("split", "Split", ["x", "split"], ["y0", "y1", "y2"], Int("axis", 1)));
        return Model(graph, 13);
    }

    /// <summary>Gather along axis 1 of a 40×33 input by 12 run-time int64 indices.</summary>
    private static ModelProto GatherRunTimeModel()
    {
        var graph = new GraphProto { Name = "Gather" };
        graph.Input.Add(Value("x", 40, 33));
        ValueInfoProto indices = Value("indices", 12);
        indices.Type.TensorType.ElemType = (int)TensorProto.Types.DataType.Int64;
        graph.Input.Add(indices);
        graph.Output.Add(Output("y"));
        graph.Node.Add(Node("gather", "Gather", ["x", "indices"], ["y"], Int("axis", 1)));
        return Model(graph, 13);
    }

    /// <summary>A graph output without a declared shape, which Kiln infers.</summary>
    private static ValueInfoProto Output(string name) => new()
    {
        Name = name,
        Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float } },
    };

    /// <summary>All models, compiled with GPU kernels in one generator run and loaded once for the test class.</summary>
    public sealed class CompiledModels : IDisposable
    {
        private readonly TestModels _files = new();
        private readonly Assembly _assembly;

        public CompiledModels()
        {
            Dictionary<string, ModelProto> models = AllModels();
            string[] paths = models.Select(pair => _files.Write($"{pair.Key}.onnx", pair.Value)).ToArray();
            GeneratorRun run = GeneratorHarness.Run(GpuHarness.CreateGpuCompilation(CompiledModelSet.Declare(models.Keys)), paths);
            Assert.Empty(run.KilnDiagnostics);
            Assert.Empty(run.CompilationProblems);
            _assembly = run.Load(paths);
        }

        /// <summary>A new instance of the network compiled from <paramref name="model"/> that runs on <paramref name="environment"/>; the GPU runs on ILGPU's CPU accelerator.</summary>
        public CompiledNetwork Create(string model, ExecutionEnvironment environment)
        {
            Type type = _assembly.GetType($"Models.{CompiledModelSet.ClassName(model)}")
                ?? throw new ArgumentException($"No network was compiled from the model '{model}'.", nameof(model));
            return (CompiledNetwork)Activator.CreateInstance(type, [GpuComparison.For(environment)])!;
        }

        public void Dispose() => _files.Dispose();
    }
}
