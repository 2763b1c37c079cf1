using System.Reflection;
using Kiln.Compiler.Read.Onnx;
using Microsoft.CodeAnalysis;
using static Kiln.Compiler.Tests.TestModels;

namespace Kiln.Compiler.Tests;

/// <summary>
/// The GPU kernels of MatMul, the convolutions, the pooling operators and the statistical normalizations match the
/// CPU code of the same network on several observations. They run on ILGPU's CPU accelerator, with shapes larger
/// than one 64×64 tile or one group of threads.
/// </summary>
public sealed class GpuComputeTests : IDisposable
{
    private readonly TestModels _models = new();

    public void Dispose() => _models.Dispose();

    [Fact]
    public void MatMulSharedWeightsMatchesCpu()
    {
        // B is one matrix for all 3 batches, so the GPU stacks A's matrices into one 210×45 by 45×130 product.
        var graph = new GraphProto { Name = "matmul-shared" };
        graph.Input.Add(Value("x", -1, 3, 70, 45));
        graph.Output.Add(Value("y", -1, 3, 70, 130));
        graph.Initializer.Add(RawFloats("w", [45, 130], Values(45 * 130, seed: 1)));
        graph.Node.Add(Node("y", "MatMul", ["x", "w"], ["y"]));

        AssertGpuMatchesCpu(graph, "y", observations: 3);
    }

    [Fact]
    public void MatMulBroadcastBatchesMatchesCpu()
    {
        // Batch axes 2×1 and 3 broadcast to 2×3, with odd M, K and N, each over one tile.
        var graph = new GraphProto { Name = "matmul-broadcast" };
        graph.Input.Add(Value("a", 2, 1, 67, 71));
        graph.Input.Add(Value("b", 3, 71, 69));
        graph.Output.Add(Value("y", 2, 3, 67, 69));
        graph.Node.Add(Node("y", "MatMul", ["a", "b"], ["y"]));

        AssertGpuMatchesCpu(graph, "y", observations: 2);
    }

    [Fact]
    public void MatMulWeightFirstMatchesCpu()
    {
        // A is the weight, shared, and B's batches differ: one product per batch.
        var graph = new GraphProto { Name = "matmul-weight-first" };
        graph.Input.Add(Value("x", -1, 4, 33, 80));
        graph.Output.Add(Value("y", -1, 4, 65, 80));
        graph.Initializer.Add(RawFloats("w", [65, 33], Values(65 * 33, seed: 2)));
        graph.Node.Add(Node("y", "MatMul", ["w", "x"], ["y"]));

        AssertGpuMatchesCpu(graph, "y", observations: 2);
    }

    [Fact]
    public void MatMulVectorsMatchCpu()
    {
        // A 1-D A is a row vector; a 1-D B is a column vector.
        var graph = new GraphProto { Name = "matmul-vectors" };
        graph.Input.Add(Value("x", 150));
        graph.Output.Add(Value("z", 3, 5));
        graph.Initializer.Add(RawFloats("w", [150, 77], Values(150 * 77, seed: 3)));
        graph.Initializer.Add(RawFloats("v", [3, 5, 77], Values(3 * 5 * 77, seed: 4)));
        graph.Node.Add(Node("y", "MatMul", ["x", "w"], ["y"]));
        graph.Node.Add(Node("z", "MatMul", ["v", "y"], ["z"]));

        AssertGpuMatchesCpu(graph, "y", observations: 3);
        AssertGpuMatchesCpu(graph, "z", observations: 3);
    }

    [Fact]
    public void MatMulDenseRowMatchesCpu()
    {
        // One row per observation by a weight matrix: one product whose rows are the observations.
        var graph = new GraphProto { Name = "matmul-dense" };
        graph.Input.Add(Value("x", -1, 130));
        graph.Output.Add(Value("y", -1, 75));
        graph.Initializer.Add(RawFloats("w", [130, 75], Values(130 * 75, seed: 13)));
        graph.Node.Add(Node("y", "MatMul", ["x", "w"], ["y"]));

        AssertGpuMatchesCpu(graph, "y", observations: 70);
    }

    [Fact]
    public void MatMulAlternatingBroadcastReportsKln0021()
    {
        // A and B broadcast in turn along four batch axes, more runs than BatchedGemmOperands has strides for.
        var graph = new GraphProto { Name = "matmul-alternating" };
        graph.Input.Add(Value("a", 2, 1, 2, 1, 3, 4));
        graph.Input.Add(Value("b", 1, 2, 1, 2, 4, 5));
        graph.Output.Add(Value("y", 2, 2, 2, 2, 3, 5));
        graph.Node.Add(Node("y", "MatMul", ["a", "b"], ["y"]));
        string path = _models.Write("alternating.onnx", Model(graph, 13));

        GeneratorRun run = GeneratorHarness.Run(GpuHarness.CreateGpuCompilation("namespace Sample; [Kiln.OnnxNetwork(\"alternating.onnx\")] public sealed partial class Net;"), path);

        Diagnostic diagnostic = Assert.Single(run.KilnDiagnostics);
        Assert.Equal("KLN0021", diagnostic.Id);
        Assert.Contains("broadcast in 4 alternating runs, but the GPU kernels take at most 3", diagnostic.GetMessage());
    }

    [Fact]
    public void ConvWithImageBatchMatchesCpu()
    {
        var graph = new GraphProto { Name = "conv-batch" };
        graph.Input.Add(Value("x", 2, 6, 17, 19));
        graph.Output.Add(Value("y", 2, 8, 9, 10));
        graph.Initializer.Add(RawFloats("w", [8, 3, 3, 3], Values(8 * 3 * 9, seed: 5)));
        graph.Initializer.Add(RawFloats("b", [8], Values(8, seed: 6)));
        graph.Node.Add(Node("y", "Conv", ["x", "w", "b"], ["y"], Ints("pads", 1, 1, 1, 1), Ints("strides", 2, 2), Int("group", 2)));

        AssertGpuMatchesCpu(graph, "y", observations: 2);
    }

    [Fact]
    public void Conv3DMatchesCpu()
    {
        var graph = new GraphProto { Name = "conv-3d" };
        graph.Input.Add(Value("x", -1, 3, 6, 9, 10));
        graph.Output.Add(Value("y", -1, 5, 6, 5, 3));
        graph.Initializer.Add(RawFloats("w", [5, 3, 3, 3, 3], Values(5 * 3 * 27, seed: 7)));
        graph.Node.Add(Node("y", "Conv", ["x", "w"], ["y"], Ints("pads", 1, 1, 0, 1, 1, 0), Ints("strides", 1, 2, 2), Ints("dilations", 1, 1, 2)));

        AssertGpuMatchesCpu(graph, "y", observations: 2);
    }

    [Fact]
    public void ConvTranspose2DMatchesCpu()
    {
        var graph = new GraphProto { Name = "conv-transpose" };
        graph.Input.Add(Value("x", -1, 4, 7, 9));
        graph.Output.Add(Value("y", -1, 6, 14, 18));
        graph.Initializer.Add(RawFloats("w", [4, 3, 3, 3], Values(4 * 3 * 9, seed: 8)));
        graph.Initializer.Add(RawFloats("b", [6], Values(6, seed: 9)));
        graph.Node.Add(Node(
            "y", "ConvTranspose", ["x", "w", "b"], ["y"],
            Ints("strides", 2, 2), Ints("pads", 1, 1, 1, 1), Ints("output_padding", 1, 1), Int("group", 2)));

        AssertGpuMatchesCpu(graph, "y", observations: 2);
    }

    [Fact]
    public void ConvTranspose3DOutputShapeMatchesCpu()
    {
        var graph = new GraphProto { Name = "conv-transpose-3d" };
        graph.Input.Add(Value("x", 2, 3, 4, 5, 6));
        graph.Output.Add(Value("y", 2, 2, 9, 11, 12));
        graph.Initializer.Add(RawFloats("w", [3, 2, 2, 3, 3], Values(3 * 2 * 18, seed: 10)));
        graph.Node.Add(Node("y", "ConvTranspose", ["x", "w"], ["y"], Ints("strides", 2, 2, 2), Ints("output_shape", 9, 11, 12), Ints("dilations", 1, 2, 1)));

        AssertGpuMatchesCpu(graph, "y", observations: 2);
    }

    [Fact]
    public void MaxPool3DWithIndicesMatchesCpu()
    {
        var graph = new GraphProto { Name = "maxpool-3d" };
        graph.Input.Add(Value("x", -1, 3, 8, 9, 10));
        graph.Output.Add(Value("y", -1, 3, 4, 5, 5));
        graph.Output.Add(Value("indices", -1, 3, 4, 5, 5));
        graph.Node.Add(Node(
            "pool", "MaxPool", ["x"], ["y", "indices"],
            Ints("kernel_shape", 3, 3, 3), Ints("strides", 2, 2, 2), Ints("pads", 1, 1, 1, 0, 1, 0), Int("storage_order", 1)));

        AssertGpuMatchesCpu(graph, "y", observations: 2);
        AssertGpuMatchesCpu(graph, "indices", observations: 2);
    }

    [Fact]
    public void AveragePool3DMatchesCpu()
    {
        var graph = new GraphProto { Name = "averagepool-3d" };
        graph.Input.Add(Value("x", -1, 2, 7, 8, 9));
        graph.Output.Add(Value("y", -1, 2, 4, 4, 5));
        graph.Node.Add(Node(
            "y", "AveragePool", ["x"], ["y"],
            Ints("kernel_shape", 2, 3, 3), Ints("strides", 2, 2, 2), Ints("pads", 1, 1, 1, 0, 1, 1), Int("count_include_pad", 1)));

        AssertGpuMatchesCpu(graph, "y", observations: 2);
    }

    [Fact]
    public void LpPoolsMatchCpu()
    {
        var graph = new GraphProto { Name = "lp-pool" };
        graph.Input.Add(Value("x", -1, 3, 20, 21));
        graph.Output.Add(Value("pool", -1, 3, 10, 21));
        graph.Output.Add(Value("global", -1, 3, 1, 1));
        graph.Node.Add(Node("pool", "LpPool", ["x"], ["pool"], Ints("kernel_shape", 3, 2), Ints("strides", 2, 1), Ints("pads", 1, 0, 1, 1), Int("p", 3)));
        graph.Node.Add(Node("global", "GlobalLpPool", ["pool"], ["global"]));

        AssertGpuMatchesCpu(graph, "pool", observations: 2, opset: 17);
        AssertGpuMatchesCpu(graph, "global", observations: 2, opset: 17);
    }

    [Fact]
    public void InstanceNormalizationMatchesCpu()
    {
        var graph = new GraphProto { Name = "instance-norm" };
        graph.Input.Add(Value("x", 2, 4, 20, 30));
        graph.Output.Add(Value("y", 2, 4, 20, 30));
        graph.Initializer.Add(RawFloats("scale", [4], 1f, 0.5f, -2f, 1.5f));
        graph.Initializer.Add(RawFloats("bias", [4], 0f, 0.1f, -0.3f, 2f));
        graph.Node.Add(Node("y", "InstanceNormalization", ["x", "scale", "bias"], ["y"], Float("epsilon", 1e-3f)));

        AssertGpuMatchesCpu(graph, "y", observations: 2);
    }

    [Fact]
    public void LayerNormalizationMatchesCpu()
    {
        var graph = new GraphProto { Name = "layer-norm" };
        graph.Input.Add(Value("x", -1, 6, 20, 30));
        graph.Output.Add(Value("y", -1, 6, 20, 30));
        graph.Output.Add(Value("mean", -1, 6, 1, 1));
        graph.Output.Add(Value("inverse", -1, 6, 1, 1));
        graph.Initializer.Add(RawFloats("scale", [20, 30], Values(600, seed: 11)));
        graph.Initializer.Add(RawFloats("bias", [20, 30], Values(600, seed: 12)));
        graph.Node.Add(Node("norm", "LayerNormalization", ["x", "scale", "bias"], ["y", "mean", "inverse"], Int("axis", -2)));

        AssertGpuMatchesCpu(graph, "y", observations: 2, opset: 17);
        AssertGpuMatchesCpu(graph, "mean", observations: 2, opset: 17);
        AssertGpuMatchesCpu(graph, "inverse", observations: 2, opset: 17);
    }

    [Fact]
    public void MeanVarianceNormalizationMatchesCpu()
    {
        // Axes 0 and 2 are not contiguous, so each row gathers its elements with two strides.
        var graph = new GraphProto { Name = "mvn" };
        graph.Input.Add(Value("x", 3, 5, 40, 7));
        graph.Output.Add(Value("y", 3, 5, 40, 7));
        graph.Node.Add(Node("y", "MeanVarianceNormalization", ["x"], ["y"], Ints("axes", 0, 2)));

        AssertGpuMatchesCpu(graph, "y", observations: 2);
    }

    [Fact]
    public void BatchNormalizationTrainingMatchesCpu()
    {
        var graph = new GraphProto { Name = "bn-training" };
        graph.Input.Add(Value("x", 3, 4, 15, 16));
        graph.Output.Add(Value("y", 3, 4, 15, 16));
        graph.Output.Add(Value("running_mean", 4));
        graph.Output.Add(Value("running_var", 4));
        graph.Initializer.Add(RawFloats("scale", [4], 1f, 0.5f, 2f, 1.5f));
        graph.Initializer.Add(RawFloats("bias", [4], 0f, 0.1f, -0.1f, 0.2f));
        graph.Initializer.Add(RawFloats("mean", [4], 0.1f, -0.1f, 0f, 0.05f));
        graph.Initializer.Add(RawFloats("var", [4], 1f, 2f, 0.5f, 1f));
        graph.Node.Add(Node("bn", "BatchNormalization", ["x", "scale", "bias", "mean", "var"], ["y", "running_mean", "running_var"], Int("training_mode", 1), Float("momentum", 0.8f)));

        AssertGpuMatchesCpu(graph, "y", observations: 2, opset: 15);
        AssertGpuMatchesCpu(graph, "running_mean", observations: 2, opset: 15);
        AssertGpuMatchesCpu(graph, "running_var", observations: 2, opset: 15);
    }

    /// <summary>
    /// Compiles <paramref name="graph"/> with GPU kernels and checks that <paramref name="layer"/> computed by the
    /// kernels on the CPU accelerator is within 1e-4 × max |CPU value| of the CPU code, for every graph input filled
    /// with <paramref name="observations"/> observations of varied values.
    /// </summary>
    private void AssertGpuMatchesCpu(GraphProto graph, string layer, int observations, long opset = 13)
    {
        string path = _models.Write(graph.Name + ".onnx", Model(graph, opset));
        string className = string.Concat(graph.Name.Split('-').Select(part => char.ToUpperInvariant(part[0]) + part[1..]));
        GeneratorRun run = GeneratorHarness.Run(GpuHarness.CreateGpuCompilation($"namespace Sample; [Kiln.OnnxNetwork(\"{graph.Name}.onnx\")] public sealed partial class {className};"), path);
        Assert.Empty(run.KilnDiagnostics);
        Assert.Empty(run.CompilationProblems);
        Assembly assembly = run.Load(path);

        using CompiledNetwork cpu = GpuComparison.Create(assembly, "Sample." + className, GpuComparison.Cpu);
        using CompiledNetwork gpu = GpuComparison.Create(assembly, "Sample." + className, GpuComparison.EmulatedGpu);
        ReadOnlyMemory<float>[] inputs = cpu.Definition.Inputs
            .Select((input, index) => (ReadOnlyMemory<float>)Values(input.Length * observations, seed: 100 + index))
            .ToArray();

        float[] expected = cpu.Activations(inputs, layer).ToArray();
        float[] actual = gpu.Activations(inputs, layer).ToArray();

        GpuComparison.AssertClose(expected, actual, layer);
    }

    /// <summary>Values in [−1, 1] from a seeded generator, rounded to three decimals.</summary>
    private static float[] Values(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => (float)(Math.Round((random.NextDouble() * 2) - 1, 3))).ToArray();
    }
}
