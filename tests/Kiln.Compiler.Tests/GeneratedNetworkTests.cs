using System.Reflection;

namespace Kiln.Compiler.Tests;

/// <summary>Compiles small models with the generator, loads the result and checks its values and layer table.</summary>
public sealed class GeneratedNetworkTests : IDisposable
{
    private const string Source = """
        namespace Sample;

        [Kiln.OnnxNetwork("tiny.onnx")]
        public sealed partial class Tiny;

        [Kiln.OnnxNetwork("small.onnx")]
        public sealed partial class Small;

        [Kiln.OnnxNetwork("two.onnx")]
        public sealed partial class Two;
        """;

    private readonly TestModels _models = new();

    public void Dispose() => _models.Dispose();

    [Fact]
    public void TinyConvReluMatchesHandComputedValues()
    {
        CompiledNetwork tiny = Create("Sample.Tiny");

        // Two observations: x, then -x. With w = [[1, 0], [0, -1]] and b = 0.5, each output is x[i,j] - x[i+1,j+1] + 0.5.
        float[] x = [9, 1, 4, 2, 3, 0, 5, 8, -6];
        float[] input = [.. x, .. x.Select(v => -v)];

        Activations conv = tiny.Activations(input, "conv");
        Activations relu = tiny.Activations(input, "relu");

        Assert.Equal([6.5f, 1.5f, -5.5f, 9.5f, -5.5f, -0.5f, 6.5f, -8.5f], conv.Values.ToArray());
        Assert.Equal([6.5f, 1.5f, 0f, 9.5f, 0f, 0f, 6.5f, 0f], relu.Values.ToArray());
        Assert.Equal([2, 1, 2, 2], relu.Shape);
    }

    [Fact]
    public void TinyOutputLayoutsAreRowsAndColumns()
    {
        CompiledNetwork tiny = Create("Sample.Tiny");
        float[] x = [9, 1, 4, 2, 3, 0, 5, 8, -6];
        float[] input = [.. x, .. x.Select(v => -v)];

        Activations rows = tiny.Activations(input, OutputAs.Rows);
        Activations columns = tiny.Activations(input, OutputAs.Columns);

        Assert.Equal([2, 4], rows.Shape);
        Assert.Equal([4, 2], columns.Shape);
        Assert.Equal([6.5f, 0f, 1.5f, 0f, 0f, 6.5f, 9.5f, 0f], columns.Values.ToArray());
        Assert.Equal(rows.GetObservation(1), columns.GetObservation(1));
    }

    [Fact]
    public void NaNInInputPropagates()
    {
        CompiledNetwork tiny = Create("Sample.Tiny");
        float[] x = [float.NaN, 1, 4, 2, 3, 0, 5, 8, -6];

        Activations relu = tiny.Activations(x);

        Assert.True(float.IsNaN(relu.Values[0]));
        Assert.Equal(1.5f, relu.Values[1]);
    }

    [Fact]
    public void WrongInputLengthNamesExpectedShape()
    {
        CompiledNetwork tiny = Create("Sample.Tiny");

        var error = Assert.Throws<ArgumentException>(() => tiny.Activations(new float[10]));

        Assert.Contains("10 floats", error.Message);
        Assert.Contains("1×1×3×3", error.Message);
    }

    [Fact]
    public void UnknownLayerNameSuggestsClosest()
    {
        CompiledNetwork tiny = Create("Sample.Tiny");

        var error = Assert.Throws<ArgumentException>(() => tiny.Activations(new float[9], "rel"));

        Assert.Contains("relu", error.Message);
    }

    [Fact]
    public void LayerFoundByEveryName()
    {
        CompiledNetwork tiny = Create("Sample.Tiny");
        float[] x = [9, 1, 4, 2, 3, 0, 5, 8, -6];

        float[] byNode = tiny.Activations(x, "conv").Values.ToArray();

        Assert.Equal(byNode, tiny.Activations(x, "conv/c").Values.ToArray());
        Assert.Equal(byNode, tiny.Activations(x, "c").Values.ToArray());
        Assert.Equal(byNode, tiny.Activations(x, 1).Values.ToArray());
    }

    [Fact]
    public void LayerOfAnotherNetworkIsRejected()
    {
        CompiledNetwork tiny = Create("Sample.Tiny");
        CompiledNetwork small = Create("Sample.Small");

        var error = Assert.Throws<ArgumentException>(() => tiny.Activations(new float[9], small.Definition.Layers[1]));

        Assert.Contains("belongs to Small, not to Tiny", error.Message);
    }

    [Fact]
    public void DisposedNetworkSaysWhy()
    {
        CompiledNetwork tiny = Create("Sample.Tiny");
        tiny.Dispose();

        var error = Assert.Throws<ObjectDisposedException>(() => tiny.Activations(new float[9]));

        Assert.Contains("was disposed", error.Message);
    }

    [Fact]
    public void ConcurrentCallsMatchSingleThreadedRun()
    {
        CompiledNetwork small = Create("Sample.Small");
        var random = new Random(11);
        float[][] inputs = Enumerable.Range(0, 16).Select(_ => Enumerable.Range(0, 72).Select(_ => random.NextSingle()).ToArray()).ToArray();
        float[][] expected = inputs.Select(input => small.Activations(input).Values.ToArray()).ToArray();

        var mismatches = new System.Collections.Concurrent.ConcurrentBag<string>();
        Parallel.For(0, 16, new ParallelOptions { MaxDegreeOfParallelism = 16 }, thread =>
        {
            for (int call = 0; call < 100; call++)
            {
                if (!small.Activations(inputs[thread]).Values.SequenceEqual(expected[thread]))
                {
                    mismatches.Add($"thread {thread}, call {call}");
                }
            }
        });

        Assert.Empty(mismatches);
    }

    [Fact]
    public void SpanOverloadAllocatesNothing()
    {
        CompiledNetwork small = Create("Sample.Small");
        float[] input = Enumerable.Range(0, 72).Select(i => (i % 9) / 9f).ToArray();
        float[] output = new float[3];
        Layer target = small.Definition.TargetLayer;

        // Warm up past tiered compilation, whose first calls allocate on the calling thread.
        for (int call = 0; call < 200; call++)
        {
            small.Activations(input, output, target);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int call = 0; call < 10; call++)
        {
            small.Activations(input, output, target);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
    }

    [Fact]
    public void DropoutLayerStaysAddressable()
    {
        CompiledNetwork small = Create("Sample.Small");
        var random = new Random(5);
        float[] input = Enumerable.Range(0, 72).Select(_ => random.NextSingle()).ToArray();

        Activations flatten = small.Activations(input, "flatten");
        Activations dropout = small.Activations(input, "drop");

        Assert.Equal(flatten.Values.ToArray(), dropout.Values.ToArray());
        Assert.Equal([1, 36], dropout.Shape);
    }

    [Fact]
    public void SoftmaxOutputSumsToOne()
    {
        CompiledNetwork small = Create("Sample.Small");
        var random = new Random(5);
        float[] input = Enumerable.Range(0, 3 * 72).Select(_ => random.NextSingle()).ToArray();

        Activations prob = small.Activations(input);

        Assert.Equal([3, 3], prob.Shape);
        for (int n = 0; n < 3; n++)
        {
            Assert.Equal(1f, prob.GetObservation(n).Sum(), 5);
        }
    }

    [Fact]
    public void TwoInputsAndConstantMatchHandComputedValues()
    {
        CompiledNetwork two = Create("Sample.Two");
        float[] a = [1, 2, 3, 4, 5, 6];
        float[] b = [0, 1, 2, 3, 4, 5];

        Activations y = two.Activations([a, b], two.Definition.TargetLayer);

        // Every difference is 1, so each row is the constant [1, -2, 0.5].
        Assert.Equal([1f, -2f, 0.5f, 1f, -2f, 0.5f], y.Values.ToArray());
        Assert.Equal(["a", "b"], two.Definition.Inputs.Select(input => input.Name));
        Assert.Equal([1f, 2f, 3f, 4f, 5f, 6f], two.Activations([a, b], two.Definition.Layers[0]).Values.ToArray());
        Assert.Equal(b, two.Activations([a, b], two.Definition.Layers[1]).Values.ToArray());
        Assert.Equal(y.Values.ToArray(), two.Activations([a, b], two.Definition.TargetLayer.Name).Values.ToArray());
    }

    [Fact]
    public void SingleInputCallOnTwoInputsSaysHow()
    {
        CompiledNetwork two = Create("Sample.Two");

        var error = Assert.Throws<ArgumentException>(() => two.Activations(new float[6]));

        Assert.Contains("2 graph inputs (a: 2×3, b: 2×3)", error.Message);
    }

    [Fact]
    public void DescribeListsLayers()
    {
        Assembly assembly = Compile();
        string table = (string)assembly.GetType("Sample.Small")!.GetMethod("Describe")!.Invoke(null, null)!;

        Assert.Contains("conv1", table);
        Assert.Contains("BatchNormalization", table);
        Assert.Contains("1×4×6×6", table);
        Assert.Contains("prob", table);
        Assert.Contains("Softmax", table);
        Assert.Contains("1×3", table);
        Assert.Contains("KiB of working memory", table);
    }

    private CompiledNetwork Create(string typeName)
    {
        Type type = Compile().GetType(typeName)!;
        return (CompiledNetwork)Activator.CreateInstance(type, [null])!;
    }

    private Assembly Compile()
    {
        string tiny = _models.Write("tiny.onnx", TestModels.TinyConvRelu());
        string small = _models.Write("small.onnx", TestModels.SmallCnn());
        string two = _models.Write("two.onnx", TestModels.TwoInputs());
        GeneratorRun run = GeneratorHarness.Run(Source, tiny, small, two);
        Assert.Empty(run.KilnDiagnostics);
        Assert.Empty(run.CompilationProblems);
        return run.Load(tiny, small, two);
    }
}
