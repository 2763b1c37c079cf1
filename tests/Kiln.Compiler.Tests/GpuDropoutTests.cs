using System.Reflection;
using Kiln.Compiler.Read.Onnx;
using Microsoft.CodeAnalysis;

namespace Kiln.Compiler.Tests;

/// <summary>
/// Dropout with a run-time training_mode, compiled with GPU kernels and run on ILGPU's CPU accelerator against the CPU
/// code: 1,200 values in each of three observations, so that the mask spans many thread groups.
/// </summary>
public sealed class GpuDropoutTests : IClassFixture<GpuDropoutTests.CompiledModels>
{
    private const int Observations = 3;

    private const int Values = 1200;

    private readonly CompiledModels _models;

    public GpuDropoutTests(CompiledModels models)
    {
        _models = models;
    }

    [Theory]
    [InlineData("y")]
    [InlineData("mask")]
    public void TrainingMatchesCpu(string output)
    {
        float[] expected = _models.Run("dropout_seeded", output, training: true, ExecutionEnvironment.Cpu);
        float[] actual = _models.Run("dropout_seeded", output, training: true, ExecutionEnvironment.Gpu);

        Assert.Equal(expected, actual);
    }

    [Fact]
    public void TrainingDropsAboutRatio()
    {
        float[] mask = _models.Run("dropout_seeded", "mask", training: true, ExecutionEnvironment.Gpu);

        // The ratio is 0.3, so about 840 of the 1,200 values of an observation are kept, and all observations share the mask.
        int kept = mask.Take(Values).Count(value => value == 1f);
        Assert.InRange(kept, 780, 900);
        Assert.Equal(mask.Take(Values), mask.Skip(2 * Values));
    }

    [Fact]
    public void InferenceCopiesInput()
    {
        float[] y = _models.Run("dropout_seeded", "y", training: false, ExecutionEnvironment.Gpu);
        float[] mask = _models.Run("dropout_seeded", "mask", training: false, ExecutionEnvironment.Gpu);

        Assert.Equal(CompiledModels.Input(), y);
        Assert.All(mask, value => Assert.Equal(1f, value));
    }

    [Fact]
    public void NoSeedReportsKln0021()
    {
        using var files = new TestModels();
        string path = files.Write("dropout_unseeded.onnx", DropoutModel(seed: null));

        GeneratorRun run = GeneratorHarness.Run(GpuHarness.CreateGpuCompilation(CompiledModelSet.Declare(["dropout_unseeded"])), path);

        Diagnostic diagnostic = Assert.Single(run.KilnDiagnostics);
        Assert.Equal("KLN0021", diagnostic.Id);
        Assert.Contains("without a seed attribute the CPU path draws a new mask on every call", diagnostic.GetMessage());
    }

    /// <summary>Dropout of x (1,200 values) with ratio 0.3 and training_mode as the second graph input, a bool.</summary>
    private static ModelProto DropoutModel(long? seed)
    {
        var graph = new GraphProto { Name = "dropout" };
        graph.Input.Add(TestModels.Value("x", 4, 300));
        ValueInfoProto training = TestModels.Value("training_mode");
        training.Type.TensorType.ElemType = (int)TensorProto.Types.DataType.Bool;
        graph.Input.Add(training);
        graph.Output.Add(TestModels.Value("y", 4, 300));
        graph.Initializer.Add(TestModels.RawFloats("ratio", [], 0.3f));
        AttributeProto[] attributes = seed is null ? [] : [TestModels.Int("seed", seed.Value)];
        graph.Node.Add(TestModels.Node("drop", "Dropout", ["x", "ratio", "training_mode"], ["y", "mask"], attributes));
        return TestModels.Model(graph, 13);
    }

    /// <summary>The seeded model, compiled with GPU kernels once for the test class.</summary>
    public sealed class CompiledModels : IDisposable
    {
        private readonly TestModels _files = new();
        private readonly Assembly _assembly;

        public CompiledModels()
        {
            string path = _files.Write("dropout_seeded.onnx", DropoutModel(seed: 7));
            GeneratorRun run = GeneratorHarness.Run(GpuHarness.CreateGpuCompilation(CompiledModelSet.Declare(["dropout_seeded"])), path);
            Assert.Empty(run.KilnDiagnostics);
            Assert.Empty(run.CompilationProblems);
            _assembly = run.Load(path);
        }

        /// <summary>Three observations of x, without zeros, so that a kept value is never mistaken for a dropped one.</summary>
        public static float[] Input() => Enumerable.Range(0, Observations * Values).Select(i => 1f + MathF.Sin(i * 0.1f) + (i % 7)).ToArray();

        /// <summary>Computes <paramref name="output"/> for three observations with training_mode <paramref name="training"/> in <paramref name="environment"/>.</summary>
        public float[] Run(string model, string output, bool training, ExecutionEnvironment environment)
        {
            using CompiledNetwork network = GpuComparison.Create(_assembly, $"Models.{CompiledModelSet.ClassName(model)}", GpuComparison.For(environment));
            float[] trainingMode = Enumerable.Repeat(training ? 1f : 0f, Observations).ToArray();
            return network.Activations([Input(), trainingMode], output).ToArray();
        }

        public void Dispose() => _files.Dispose();
    }
}
