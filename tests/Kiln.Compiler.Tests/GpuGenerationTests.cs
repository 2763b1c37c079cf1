using System.Reflection;
using Kiln.Compiler.Generate;
using Kiln.Compiler.Read.Onnx;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using static Kiln.Compiler.Tests.TestModels;

namespace Kiln.Compiler.Tests;

/// <summary>
/// GPU kernels are generated only for projects that reference Kiln.Gpu, can be turned off per network, compile without
/// warnings, and compute what the CPU code computes when run on ILGPU's CPU accelerator.
/// </summary>
public sealed class GpuGenerationTests : IDisposable
{
    private const string Source = """
        namespace Sample;

        [Kiln.OnnxNetwork("small.onnx")]
        public sealed partial class Small;

        [Kiln.OnnxNetwork("two.onnx")]
        public sealed partial class Two;
        """;

    private readonly TestModels _models = new();

    public void Dispose() => _models.Dispose();

    [Fact]
    public void WithoutKilnGpuNoKernels()
    {
        string small = _models.Write("small.onnx", SmallCnn());

        GeneratorRun run = GeneratorHarness.Run("[Kiln.OnnxNetwork(\"small.onnx\")] public sealed partial class Small;", small);

        Assert.Empty(run.KilnDiagnostics);
        Assert.DoesNotContain("CreateDeviceRunner", run.GeneratedSource("Small.g.cs"));
        Assert.DoesNotContain("ILGPU", run.GeneratedSource("Small.g.cs"));
    }

    [Fact]
    public void KilnGpuReferenceAddsKernels()
    {
        GeneratorRun run = RunWithGpu(Source);

        string source = run.GeneratedSource("Sample.Small.g.cs");
        Assert.Contains("protected override global::Kiln.DeviceRunner? CreateDeviceRunner", source);
        Assert.Contains("private sealed class GpuKernels : global::Kiln.Gpu.GpuProgram", source);
        Assert.Contains("global::Kiln.Gpu.TiledGemm.Run(operands, batches: 1, m: 4, n: 36, k: 18);", source);
        Assert.Contains("StartDevice();", source);
        Assert.Empty(run.CompilationProblems);
    }

    [Fact]
    public void GpuKernelsFalseTurnsThemOff()
    {
        GeneratorRun run = RunWithGpu(Source.Replace("\"small.onnx\")", "\"small.onnx\", GpuKernels = false)"));

        Assert.DoesNotContain("CreateDeviceRunner", run.GeneratedSource("Sample.Small.g.cs"));
        Assert.Contains("CreateDeviceRunner", run.GeneratedSource("Sample.Two.g.cs"));
        Assert.Empty(run.CompilationProblems);
    }

    [Fact]
    public void GpuKernelsMetadataTurnsThemOff()
    {
        string model = _models.Write("tiny-net.onnx", TinyConvRelu());
        BuildOptions options = new BuildOptions().Property("RootNamespace", "Sample").Metadata(model, "GpuKernels", "false");
        GeneratorDriver driver = GeneratorHarness.CreateDriver(options, model)
            .RunGeneratorsAndUpdateCompilation(GpuHarness.CreateGpuCompilation("namespace Sample;"), out _, out _);

        string source = driver.GetRunResult().Results.Single().GeneratedSources.Single().SourceText.ToString();

        Assert.Contains("class TinyNet", source);
        Assert.DoesNotContain("CreateDeviceRunner", source);
    }

    [Fact]
    public void UnsupportedOperatorReportsKln0021()
    {
        string model = _models.Write("dropout.onnx", TrainingDropoutModel());
        const string Declaration = "namespace Sample; [Kiln.OnnxNetwork(\"dropout.onnx\")] public sealed partial class Net;";

        GeneratorRun withGpu = GeneratorHarness.Run(GpuHarness.CreateGpuCompilation(Declaration), model);
        GeneratorRun withoutGpu = GeneratorHarness.Run(Declaration, model);

        Diagnostic diagnostic = Assert.Single(withGpu.KilnDiagnostics);
        Assert.Equal("KLN0021", diagnostic.Id);
        Assert.Contains("Node 'act' (Dropout) of the model 'dropout.onnx' cannot run on the GPU", diagnostic.GetMessage());
        Assert.Contains("set GpuKernels = false on [OnnxNetwork] for Net", diagnostic.GetMessage());
        Assert.Contains("give the node a seed attribute", diagnostic.GetMessage());
        Assert.Empty(withoutGpu.KilnDiagnostics);
    }

    [Fact]
    public void UnrelatedEditKeepsGpuNetworksCached()
    {
        string small = _models.Write("small.onnx", SmallCnn());
        string two = _models.Write("two.onnx", TwoInputs());
        CSharpCompilation compilation = GpuHarness.CreateGpuCompilation(Source);
        GeneratorRun first = GeneratorHarness.Run(compilation, small, two);

        CSharpCompilation edited = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("namespace Sample; public static class Unrelated { }", path: "Unrelated.cs"));
        GeneratorRunResult result = first.Driver.RunGenerators(edited).GetRunResult().Results.Single();

        Assert.All(result.TrackedSteps[TrackingNames.GpuRuntime].SelectMany(step => step.Outputs), output => Assert.Equal(IncrementalStepRunReason.Unchanged, output.Reason));
        Assert.All(result.TrackedSteps[TrackingNames.Networks].SelectMany(step => step.Outputs), output => Assert.Contains(output.Reason, new[] { IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged }));
    }

    [Theory]
    [InlineData("Sample.Small", "conv1")]
    [InlineData("Sample.Small", "bn1")]
    [InlineData("Sample.Small", "residual")]
    [InlineData("Sample.Small", "pool1")]
    [InlineData("Sample.Small", "prob")]
    public void KernelsMatchCpuCode(string typeName, string layer)
    {
        Assembly assembly = CompileWithGpu();
        float[] input = Enumerable.Range(0, 3 * 72).Select(i => MathF.Sin(i * 0.37f)).ToArray();
        using CompiledNetwork cpu = GpuComparison.Create(assembly, typeName, GpuComparison.Cpu);
        using CompiledNetwork gpu = GpuComparison.Create(assembly, typeName, GpuComparison.EmulatedGpu);

        float[] expected = cpu.Activations(input, layer).ToArray();
        float[] actual = gpu.Activations(input, layer).ToArray();

        GpuComparison.AssertClose(expected, actual, typeName);
    }

    [Fact]
    public void BroadcastingAndTwoInputsMatchCpuCode()
    {
        Assembly assembly = CompileWithGpu();
        float[] a = [1f, 2f, 3f, 4f, 5f, 6f, -1f, -2f, -3f, -4f, -5f, -6f];
        float[] b = [0.5f, 0.5f, 0.5f, 1f, 1f, 1f, 2f, 2f, 2f, 3f, 3f, 3f];
        using CompiledNetwork gpu = GpuComparison.Create(assembly, "Sample.Two", GpuComparison.EmulatedGpu);

        float[] actual = gpu.Activations([a, b], gpu.Definition.TargetLayer).ToArray();

        // y = (a − b) · [1, −2, 0.5] along each row, worked by hand for two observations of 2×3.
        float[] expected = [0.5f, -3f, 1.25f, 3f, -8f, 2.5f, -3f, 8f, -2.5f, -7f, 16f, -4.5f];
        Assert.Equal(expected, actual);
    }

    private Assembly CompileWithGpu()
    {
        string small = _models.Write("small.onnx", SmallCnn());
        string two = _models.Write("two.onnx", TwoInputs());
        GeneratorRun run = GeneratorHarness.Run(GpuHarness.CreateGpuCompilation(Source), small, two);
        Assert.Empty(run.KilnDiagnostics);
        Assert.Empty(run.CompilationProblems);
        return run.Load(small, two);
    }

    private GeneratorRun RunWithGpu(string source)
    {
        string small = _models.Write("small.onnx", SmallCnn());
        string two = _models.Write("two.onnx", TwoInputs());
        return GeneratorHarness.Run(GpuHarness.CreateGpuCompilation(source), small, two);
    }

    /// <summary>Dropout in training mode (a constant true training_mode), which has no GPU kernel.</summary>
    private static ModelProto TrainingDropoutModel()
    {
        var graph = new GraphProto { Name = "dropout" };
        graph.Input.Add(Value("x", 1, 4));
        graph.Output.Add(Value("y", 1, 4));
        var trainingMode = new TensorProto { Name = "training", DataType = (int)TensorProto.Types.DataType.Bool, RawData = Google.Protobuf.ByteString.CopyFrom(1) };
        graph.Initializer.Add(trainingMode);
        graph.Node.Add(Node("act", "Dropout", ["x", "", "training"], ["y"]));
        return Model(graph, 13);
    }
}
