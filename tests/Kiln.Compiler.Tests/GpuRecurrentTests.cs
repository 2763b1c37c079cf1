using System.Reflection;
using Google.Protobuf;
using Kiln.Compiler.Read.Onnx;

namespace Kiln.Compiler.Tests;

/// <summary>
/// RNN, GRU and LSTM nodes with random weights and shapes larger than the ONNX node tests (more state units than one
/// thread group, several sequences in X, three observations), compiled with GPU kernels and run on ILGPU's CPU
/// accelerator, against the CPU code of the same network within 1e-4 × max |CPU value|. Between them the models cover
/// both layouts, the three directions, constant and run-time sequence lengths, initial states, peepholes, clip,
/// input_forget, linear_before_reset, activations with alpha and beta, different activations per direction, and
/// every output present or absent.
/// </summary>
public sealed class GpuRecurrentTests : IClassFixture<GpuRecurrentTests.CompiledModels>
{
    private const int Observations = 3;

    private readonly CompiledModels _models;

    public GpuRecurrentTests(CompiledModels models)
    {
        _models = models;
    }

    [Theory]
    [InlineData("lstm_bidirectional", "y")]
    [InlineData("lstm_bidirectional", "y_h")]
    [InlineData("lstm_bidirectional", "y_c")]
    [InlineData("lstm_batch_major", "y")]
    [InlineData("lstm_batch_major", "y_h")]
    [InlineData("lstm_batch_major", "y_c")]
    [InlineData("gru_bidirectional", "y")]
    [InlineData("gru_bidirectional", "y_h")]
    [InlineData("gru_linear_before_reset", "y")]
    [InlineData("gru_linear_before_reset", "y_h")]
    [InlineData("rnn_bidirectional", "y")]
    [InlineData("rnn_bidirectional", "y_h")]
    [InlineData("rnn_batch_major", "y_h")]
    [InlineData("rnn_forward", "y")]
    [InlineData("lstm_dense", "y_h")]
    [InlineData("lstm_dense", "scores")]
    public void OutputMatchesCpu(string model, string output)
    {
        float[] expected = _models.Run(model, output, ExecutionEnvironment.Cpu);
        float[] actual = _models.Run(model, output, ExecutionEnvironment.Gpu);

        GpuComparison.AssertClose(expected, actual, $"{model} {output}");
    }

    [Fact]
    public void EndedSequencesLeaveZerosInY()
    {
        // Sequence 1 of observation 0 has 3 of 8 time steps, so Y is zero from time step 3 on in both directions.
        float[] y = _models.Run("gru_bidirectional", "y", ExecutionEnvironment.Gpu);

        const int Batch = 3, Hidden = 50;
        for (int step = 3; step < 8; step++)
        {
            for (int direction = 0; direction < 2; direction++)
            {
                int start = (((step * 2) + direction) * Batch + 1) * Hidden;
                Assert.All(y.AsSpan(start, Hidden).ToArray(), value => Assert.Equal(0f, value));
            }
        }

        Assert.Contains(y.AsSpan(2 * 2 * Batch * Hidden, 2 * Batch * Hidden).ToArray(), value => value != 0f);
    }

    [Fact]
    public void TimeStepsLaunchInTurn()
    {
        string source = _models.Source("gru_bidirectional");

        // GRU without linear_before_reset launches its gate kernel, then its time-step kernel, for each of 8 steps.
        Assert.Contains("_gru_GatesEven, global::Kiln.Gpu.GpuProgram.GroupsFor(300)), new(Step0_gru_TimeStepEven, ", source);
        Assert.Contains("_gru_TimeStepEven, global::Kiln.Gpu.GpuProgram.GroupsFor(300)), new(Step0_gru_GatesOdd, ", source);
        Assert.Equal(8, CountOccurrences(source, "_gru_GatesEven, ") + CountOccurrences(source, "_gru_GatesOdd, "));
        Assert.Equal(8, CountOccurrences(source, "_gru_TimeStepEven, ") + CountOccurrences(source, "_gru_TimeStepOdd, "));
        Assert.Contains("global::Kiln.Gpu.RecurrentProjectionOperands", source);
    }

    private static int CountOccurrences(string text, string value)
    {
        int count = 0;
        for (int index = text.IndexOf(value, StringComparison.Ordinal); index >= 0; index = text.IndexOf(value, index + 1, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    /// <summary>The models, by name; the generated class of each is named after it.</summary>
    private static Dictionary<string, RecurrentModel> Models() => new()
    {
        ["lstm_bidirectional"] = new RecurrentModel("LSTM", Gates: 4, Sequence: 9, Batch: 3, Input: 20, Hidden: 48, Directions: 2)
        {
            Attributes = [TestModels.Text("direction", "bidirectional")],
            ConstantLengths = [9, 5, 7],
            InitialStates = true,
            Peepholes = true,
            Outputs = ["y", "y_h", "y_c"],
        },
        ["lstm_batch_major"] = new RecurrentModel("LSTM", Gates: 4, Sequence: 6, Batch: 5, Input: 16, Hidden: 64, Directions: 1, BatchMajor: true)
        {
            Attributes =
            [
                TestModels.Text("direction", "reverse"), TestModels.Float("clip", 2.5f), TestModels.Int("input_forget", 1),
                Strings("activations", "HardSigmoid", "ScaledTanh", "Affine"),
                TestModels.Floats("activation_alpha", 0.3f, 1.2f, 0.9f), TestModels.Floats("activation_beta", 0.6f, 0.8f, 0.1f),
            ],
            RunTimeLengths = true,
            Outputs = ["y", "y_h", "y_c"],
        },
        ["gru_bidirectional"] = new RecurrentModel("GRU", Gates: 3, Sequence: 8, Batch: 3, Input: 24, Hidden: 50, Directions: 2)
        {
            Attributes = [TestModels.Text("direction", "bidirectional")],
            RunTimeLengths = true,
            InitialStates = true,
            Outputs = ["y", "y_h"],
        },
        ["gru_linear_before_reset"] = new RecurrentModel("GRU", Gates: 3, Sequence: 7, Batch: 4, Input: 12, Hidden: 36, Directions: 2, BatchMajor: true)
        {
            Attributes =
            [
                TestModels.Text("direction", "bidirectional"), TestModels.Int("linear_before_reset", 1), TestModels.Float("clip", 3f),
                Strings("activations", "Sigmoid", "Relu", "HardSigmoid", "Softsign"),
                TestModels.Floats("activation_alpha", 0.25f), TestModels.Floats("activation_beta", 0.5f),
            ],
            InitialStates = true,
            Outputs = ["y", "y_h"],
        },
        ["rnn_bidirectional"] = new RecurrentModel("RNN", Gates: 1, Sequence: 10, Batch: 2, Input: 18, Hidden: 70, Directions: 2)
        {
            Attributes =
            [
                TestModels.Text("direction", "bidirectional"), TestModels.Float("clip", 4f),
                Strings("activations", "Tanh", "Elu"), TestModels.Floats("activation_alpha", 0.7f),
            ],
            ConstantLengths = [10, 4],
            InitialStates = true,
            Outputs = ["y", "y_h"],
        },
        ["rnn_batch_major"] = new RecurrentModel("RNN", Gates: 1, Sequence: 12, Batch: 3, Input: 10, Hidden: 90, Directions: 2, BatchMajor: true)
        {
            Attributes =
            [
                TestModels.Text("direction", "bidirectional"),
                Strings("activations", "LeakyRelu", "ThresholdedRelu"), TestModels.Floats("activation_alpha", 0.1f, 0.05f),
            ],
            Bias = false,
            Outputs = ["", "y_h"],
        },
        ["lstm_dense"] = new RecurrentModel("LSTM", Gates: 4, Sequence: 5, Batch: 2, Input: 12, Hidden: 40, Directions: 1)
        {
            Outputs = ["", "y_h"],
            DenseHead = true,
        },
        ["rnn_forward"] = new RecurrentModel("RNN", Gates: 1, Sequence: 5, Batch: 2, Input: 8, Hidden: 130, Directions: 1)
        {
            Attributes = [Strings("activations", "Softplus")],
            InitialStates = true,
            Outputs = ["y"],
        },
    };

    private static AttributeProto Strings(string name, params string[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Strings };
        attribute.Strings.AddRange(values.Select(ByteString.CopyFromUtf8));
        return attribute;
    }

    /// <summary>
    /// One recurrent node with random weights (uniform, scaled by 1/√hidden so the states neither vanish nor
    /// saturate) and its options. X is the first graph input; with <see cref="RunTimeLengths"/>, the int32 sequence
    /// lengths are the second.
    /// </summary>
    private sealed record RecurrentModel(string OpType, int Gates, int Sequence, int Batch, int Input, int Hidden, int Directions, bool BatchMajor = false)
    {
        public AttributeProto[] Attributes { get; init; } = [];

        public bool Bias { get; init; } = true;

        public int[]? ConstantLengths { get; init; }

        public bool RunTimeLengths { get; init; }

        public bool InitialStates { get; init; }

        public bool Peepholes { get; init; }

        public string[] Outputs { get; init; } = ["y"];

        /// <summary>
        /// Whether Y_h goes on through Flatten and a Gemm with ten outputs, "scores": a dense layer whose GPU product
        /// spans the observations, so it steps through the arenas, whose length includes the recurrent workspace.
        /// </summary>
        public bool DenseHead { get; init; }

        public long[] InputShape => BatchMajor ? [Batch, Sequence, Input] : [Sequence, Batch, Input];

        public long[] StateShape => BatchMajor ? [Batch, Directions, Hidden] : [Directions, Batch, Hidden];

        public long[] YShape => BatchMajor ? [Batch, Sequence, Directions, Hidden] : [Sequence, Directions, Batch, Hidden];

        public long[] OutputShape(string output) => output == "y" ? YShape : StateShape;

        public ModelProto Build(int seed)
        {
            var random = new Random(seed);
            float scale = 1f / MathF.Sqrt(Hidden);
            var graph = new GraphProto { Name = OpType };
            graph.Input.Add(TestModels.Value("x", InputShape));
            string graphOutput = DenseHead ? "scores" : Outputs.First(name => name.Length > 0);
            graph.Output.Add(TestModels.Value(graphOutput, DenseHead ? [1, 10] : OutputShape(graphOutput)));

            var inputs = new List<string> { "x", "W", "R" };
            graph.Initializer.Add(Uniform(random, "W", [Directions, Gates * Hidden, Input], scale));
            graph.Initializer.Add(Uniform(random, "R", [Directions, Gates * Hidden, Hidden], scale));
            inputs.Add(Bias ? "B" : string.Empty);
            if (Bias)
            {
                graph.Initializer.Add(Uniform(random, "B", [Directions, 2 * Gates * Hidden], scale));
            }

            inputs.Add(ConstantLengths is not null || RunTimeLengths ? "lengths" : string.Empty);
            if (ConstantLengths is not null)
            {
                var lengths = new TensorProto { Name = "lengths", DataType = (int)TensorProto.Types.DataType.Int32 };
                lengths.Dims.Add(Batch);
                lengths.Int32Data.AddRange(ConstantLengths);
                graph.Initializer.Add(lengths);
            }
            else if (RunTimeLengths)
            {
                ValueInfoProto lengths = TestModels.Value("lengths", Batch);
                lengths.Type.TensorType.ElemType = (int)TensorProto.Types.DataType.Int32;
                graph.Input.Add(lengths);
            }

            inputs.Add(InitialStates ? "initial_h" : string.Empty);
            if (InitialStates)
            {
                graph.Initializer.Add(Uniform(random, "initial_h", StateShape, 0.5f));
            }

            if (OpType == "LSTM")
            {
                inputs.Add(InitialStates ? "initial_c" : string.Empty);
                inputs.Add(Peepholes ? "P" : string.Empty);
                if (InitialStates)
                {
                    graph.Initializer.Add(Uniform(random, "initial_c", StateShape, 0.5f));
                }

                if (Peepholes)
                {
                    graph.Initializer.Add(Uniform(random, "P", [Directions, 3 * Hidden], scale));
                }
            }

            // Trailing empty inputs are left out, as exporters do.
            while (inputs[inputs.Count - 1].Length == 0)
            {
                inputs.RemoveAt(inputs.Count - 1);
            }

            var attributes = new List<AttributeProto> { TestModels.Int("hidden_size", Hidden) };
            attributes.AddRange(Attributes);
            if (BatchMajor)
            {
                attributes.Add(TestModels.Int("layout", 1));
            }

            graph.Node.Add(TestModels.Node(OpType.ToLowerInvariant(), OpType, inputs.ToArray(), Outputs, attributes.ToArray()));
            if (DenseHead)
            {
                int features = Directions * Batch * Hidden;
                graph.Initializer.Add(Uniform(random, "dense_W", [10, features], 1f / MathF.Sqrt(features)));
                graph.Initializer.Add(Uniform(random, "dense_B", [10], 0.1f));
                graph.Node.Add(TestModels.Node("flatten", "Flatten", ["y_h"], ["features"], TestModels.Int("axis", 0)));
                graph.Node.Add(TestModels.Node("dense", "Gemm", ["features", "dense_W", "dense_B"], ["scores"], TestModels.Int("transB", 1)));
            }

            return TestModels.Model(graph, 14);
        }

        /// <summary>The graph inputs of <paramref name="observations"/> observations: X uniform in [−1, 1], and the run-time lengths.</summary>
        public ReadOnlyMemory<float>[] Inputs(int observations, int seed)
        {
            var random = new Random(seed);
            float[] x = Enumerable.Range(0, observations * Sequence * Batch * Input).Select(_ => (random.NextSingle() * 2f) - 1f).ToArray();
            if (!RunTimeLengths)
            {
                return [x];
            }

            // Every length from 1 to the sequence length occurs, and each observation has a full-length sequence.
            float[] lengths = Enumerable.Range(0, observations * Batch)
                .Select(i => i % Batch == observations % Batch ? Sequence : (float)(1 + (i * 5 % Sequence)))
                .ToArray();
            lengths[1] = 3;
            return [x, lengths];
        }

        private static TensorProto Uniform(Random random, string name, long[] dims, float scale)
        {
            long count = dims.Aggregate(1L, (product, dim) => product * dim);
            float[] values = Enumerable.Range(0, (int)count).Select(_ => ((random.NextSingle() * 2f) - 1f) * scale).ToArray();
            return TestModels.RawFloats(name, dims, values);
        }
    }

    /// <summary>All models, compiled with GPU kernels in one generator run for the test class.</summary>
    public sealed class CompiledModels : IDisposable
    {
        private readonly TestModels _files = new();
        private readonly Dictionary<string, RecurrentModel> _models = Models();
        private readonly GeneratorRun _run;
        private readonly Assembly _assembly;

        public CompiledModels()
        {
            string[] paths = _models.Select((pair, index) => _files.Write($"{pair.Key}.onnx", pair.Value.Build(seed: index + 1))).ToArray();
            _run = GeneratorHarness.Run(GpuHarness.CreateGpuCompilation(CompiledModelSet.Declare(_models.Keys)), paths);
            Assert.Empty(_run.KilnDiagnostics);
            Assert.Empty(_run.CompilationProblems);
            _assembly = _run.Load(paths);
        }

        /// <summary>Computes the tensor <paramref name="output"/> of <paramref name="model"/> for three observations in <paramref name="environment"/>.</summary>
        public float[] Run(string model, string output, ExecutionEnvironment environment)
        {
            using CompiledNetwork network = GpuComparison.Create(_assembly, $"Models.{CompiledModelSet.ClassName(model)}", GpuComparison.For(environment));
            return network.Activations(_models[model].Inputs(Observations, seed: 100), output).ToArray();
        }

        /// <summary>The generated source of the network compiled from <paramref name="model"/>.</summary>
        public string Source(string model) => _run.GeneratedSource($"{CompiledModelSet.ClassName(model)}.g.cs");

        public void Dispose() => _files.Dispose();
    }
}
