using System.Reflection;
using Kiln.Compiler.Read.Onnx;
using Microsoft.CodeAnalysis;

namespace Kiln.Compiler.Tests;

/// <summary>
/// Models whose weights lie in external data files (<c>data_location = EXTERNAL</c>): they compile, the generated code
/// reads each weight from the embedded external file at its offset, and a bad file or range is a build diagnostic.
/// </summary>
public sealed class ExternalDataTests : IDisposable
{
    private const string Source = "namespace Sample;\n\n[Kiln.OnnxNetwork(\"ext.onnx\")]\npublic sealed partial class Ext;";

    // Conv 2×2 weights [[0.5, -1], [2, 0]] and bias -1: distinct from TinyConvRelu's, so a result can only come from the external file.
    internal static readonly float[] Weights = [0.5f, -1f, 2f, 0f];
    internal static readonly float[] Bias = [-1f];

    // The input [[9, 1, 4], [2, 3, 0], [5, 8, -6]]. By hand: 4.5 - 1 + 4 - 1 = 6.5, 0.5 - 4 + 6 - 1 = 1.5,
    // 1 - 3 + 10 - 1 = 7, 1.5 - 0 + 16 - 1 = 16.5, all positive, so Relu keeps them.
    internal static readonly float[] Input = [9, 1, 4, 2, 3, 0, 5, 8, -6];
    internal static readonly float[] Expected = [6.5f, 1.5f, 7f, 16.5f];

    private readonly TestModels _models = new();

    public void Dispose() => _models.Dispose();

    [Fact]
    public void DataFileBesideModelRuns()
    {
        // Four bytes lie before the weights, so that offsets count. The bias has no length, so it runs to the end of the file.
        string data = _models.WriteBytes("ext.onnx.data", [0xFF, 0xFF, 0xFF, 0xFF, .. Bytes(Weights), .. Bytes(Bias)]);
        string model = _models.Write("ext.onnx", Model(
            External("w", [1, 1, 2, 2], "ext.onnx.data", offset: 4, length: 16),
            External("b", [1], "ext.onnx.data", offset: 20, length: null)));

        GeneratorRun run = GeneratorHarness.Run(Source, model);

        Assert.Empty(run.KilnDiagnostics);
        Assert.Empty(run.CompilationProblems);
        string generated = run.GeneratedSource("Ext.g.cs");
        Assert.Contains("\"Kiln/ext.onnx/ext.onnx.data\", expectedLength: 24", generated);
        Assert.Contains("_externalData[0].Floats(4, 4)", generated);
        Assert.Contains("_externalData[0].Floats(20, 1)", generated);
        Assert.Equal(Expected, Run(run.Load([("Kiln/ext.onnx/ext.onnx.data", data)], model)));
    }

    [Fact]
    public void ExternalDataMetadataNamesFiles()
    {
        Directory.CreateDirectory(Path.Combine(_models.Folder, "weights"));
        string weights = _models.WriteBytes(Path.Combine("weights", "conv.bin"), Bytes(Weights));
        string bias = _models.WriteBytes("bias.bin", Bytes(Bias));
        string model = _models.Write("ext.onnx", Model(
            External("w", [1, 1, 2, 2], "weights/conv.bin", offset: 0, length: 16),
            External("b", [1], "./bias.bin", offset: null, length: 4)));
        // The list as Kiln.targets passes it to the generator, with '|' in place of ';'.
        BuildOptions options = new BuildOptions().Metadata(model, "KilnExternalData", "weights\\conv.bin| bias.bin");

        GeneratorRun run = GeneratorHarness.Run(options, Source, model);

        Assert.Empty(run.KilnDiagnostics);
        Assert.Empty(run.CompilationProblems);
        string generated = run.GeneratedSource("Ext.g.cs");
        Assert.Contains("\"Kiln/ext.onnx/weights/conv.bin\"", generated);
        Assert.Contains("\"Kiln/ext.onnx/bias.bin\"", generated);
        Assembly assembly = run.Load([("Kiln/ext.onnx/weights/conv.bin", weights), ("Kiln/ext.onnx/bias.bin", bias)], model);
        Assert.Equal(Expected, Run(assembly));
    }

    [Fact]
    public void ExternalShapeTensorIsFolded()
    {
        // The Reshape target's -1 lies in the data file: the build reads small integer tensors, so the shape still folds.
        ModelProto model = TestModels.PyTorchFlatten();
        TensorProto minusOne = model.Graph.Initializer.Single(t => t.Name == "minus_one");
        minusOne.RawData = Google.Protobuf.ByteString.Empty;
        minusOne.DataLocation = TensorProto.Types.DataLocation.External;
        minusOne.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = "flat.onnx.data" });
        minusOne.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = "8" });
        _models.WriteBytes("flat.onnx.data", BitConverter.GetBytes(-1L));
        string path = _models.Write("flat.onnx", model);

        GeneratorRun run = GeneratorHarness.Run("namespace Sample;\n\n[Kiln.OnnxNetwork(\"flat.onnx\")]\npublic sealed partial class Flat;", path);

        Assert.Empty(run.KilnDiagnostics);
        Assert.Empty(run.CompilationProblems);
        string generated = run.GeneratedSource("Flat.g.cs");
        Assert.Contains("2 compute steps up to /Relu", generated);
        Assert.DoesNotContain("_externalData", generated);
    }

    [Fact]
    public void ExternalResizeScalesAreRead()
    {
        // Resize's scales [1, 1, 2, 2] lie in the data file. Nearest-neighbour doubling repeats each pixel as a 2×2 block.
        var graph = new GraphProto { Name = "up" };
        graph.Input.Add(TestModels.Value("x", 1, 1, 2, 2));
        graph.Output.Add(TestModels.Value("y", 1, 1, 4, 4));
        graph.Initializer.Add(External("scales", [4], "up.onnx.data", offset: 0, length: 16));
        graph.Node.Add(TestModels.Node("up", "Resize", ["x", "", "scales"], ["y"], TestModels.Text("mode", "nearest")));
        string data = _models.WriteBytes("up.onnx.data", Bytes([1f, 1f, 2f, 2f]));
        string path = _models.Write("up.onnx", TestModels.Model(graph, 13));

        GeneratorRun run = GeneratorHarness.Run("namespace Sample;\n\n[Kiln.OnnxNetwork(\"up.onnx\")]\npublic sealed partial class Up;", path);

        Assert.Empty(run.KilnDiagnostics);
        Assert.Empty(run.CompilationProblems);
        Assembly assembly = run.Load([("Kiln/up.onnx/up.onnx.data", data)], path);
        var network = (CompiledNetwork)Activator.CreateInstance(assembly.GetType("Sample.Up")!, [null])!;
        float[] expected = [1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4];
        Assert.Equal(expected, network.Activations(new float[] { 1, 2, 3, 4 }).Values.ToArray());
    }

    [Fact]
    public void MissingFileIsReported()
    {
        string model = _models.Write("ext.onnx", Model(External("w", [1, 1, 2, 2], "ext.onnx.data", 0, 16), Inline("b", Bias)));

        Diagnostic diagnostic = Single(model);

        Assert.Equal("KLN0014", diagnostic.Id);
        Assert.Contains("'ext.onnx.data', which does not exist", diagnostic.GetMessage());
    }

    [Fact]
    public void FileNotEmbeddedIsReported()
    {
        _models.WriteBytes("weights.bin", Bytes(Weights));
        string model = _models.Write("ext.onnx", Model(External("w", [1, 1, 2, 2], "weights.bin", 0, 16), Inline("b", Bias)));

        Diagnostic diagnostic = Single(model);

        Assert.Equal("KLN0015", diagnostic.Id);
        Assert.Contains("the build embeds only 'ext.onnx.data'", diagnostic.GetMessage());
        Assert.Contains("ExternalData=\"weights.bin\"", diagnostic.GetMessage());
    }

    [Theory]
    [InlineData(4L, 16L, "bytes 4 to 20")]
    [InlineData(17L, null, "from byte 17 to the end")]
    [InlineData(0L, 32L, "bytes 0 to 32")]
    public void RangeBeyondFileIsReported(long offset, long? length, string range)
    {
        _models.WriteBytes("ext.onnx.data", Bytes(Weights));
        string model = _models.Write("ext.onnx", Model(External("w", [1, 1, 2, 2], "ext.onnx.data", offset, length), Inline("b", Bias)));

        Diagnostic diagnostic = Single(model);

        Assert.Equal("KLN0016", diagnostic.Id);
        Assert.Contains($"names {range} of the external file 'ext.onnx.data', which has only 16 bytes", diagnostic.GetMessage());
    }

    [Fact]
    public void LengthNotMatchingDimsIsReported()
    {
        _models.WriteBytes("ext.onnx.data", [.. Bytes(Weights), .. Bytes(Bias)]);
        string model = _models.Write("ext.onnx", Model(External("w", [1, 1, 2, 2], "ext.onnx.data", 0, 20), Inline("b", Bias)));

        Diagnostic diagnostic = Single(model);

        Assert.Equal("KLN0017", diagnostic.Id);
        Assert.Contains("has 20 bytes in the external file 'ext.onnx.data', but its dims 1×1×2×2 need 4 float values, which take 16 bytes", diagnostic.GetMessage());
    }

    [Fact]
    public void InvalidOffsetIsReported()
    {
        TensorProto weights = External("w", [1, 1, 2, 2], "ext.onnx.data", 0, 16);
        weights.ExternalData[1].Value = "-8";
        string model = _models.Write("ext.onnx", Model(weights, Inline("b", Bias)));

        Diagnostic diagnostic = Single(model);

        Assert.Equal("KLN0003", diagnostic.Id);
        Assert.Contains("the external data offset '-8', which is not a non-negative integer", diagnostic.GetMessage());
    }

    [Fact]
    public void FashionAlexNetFromExternalDataMatchesEmbedded()
    {
        // Move every weight of 1 KiB or more into one data file, each at a multiple of 4096 bytes, so offsets leave gaps between tensors.
        string original = Path.Combine(PackageTests.RepositoryRoot(), "generated-samples", "AotClassification", "fashion-alexnet.onnx");
        ModelProto model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(original));
        using var data = new MemoryStream();
        int moved = 0;
        foreach (TensorProto tensor in model.Graph.Initializer.Where(t => t.DataType == (int)TensorProto.Types.DataType.Float && t.RawData.Length >= 1024))
        {
            data.SetLength((data.Length + 4095) / 4096 * 4096);
            data.Position = data.Length;
            long offset = data.Position;
            tensor.RawData.WriteTo(data);
            tensor.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = "split.onnx.data" });
            tensor.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = offset.ToString(System.Globalization.CultureInfo.InvariantCulture) });
            tensor.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = tensor.RawData.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) });
            tensor.RawData = Google.Protobuf.ByteString.Empty;
            tensor.DataLocation = TensorProto.Types.DataLocation.External;
            moved++;
        }

        string split = _models.Write("split.onnx", model);
        string splitData = _models.WriteBytes("split.onnx.data", data.ToArray());
        const string source = """
            namespace Sample;

            [Kiln.OnnxNetwork("fashion-alexnet.onnx")]
            public sealed partial class Embedded;

            [Kiln.OnnxNetwork("split.onnx")]
            public sealed partial class Split;
            """;

        GeneratorRun run = GeneratorHarness.Run(source, original, split);

        Assert.True(moved >= 8, $"Only {moved} weights were moved to the data file.");
        Assert.True(new FileInfo(split).Length < 64 * 1024, $"{split} still has {new FileInfo(split).Length} bytes.");
        Assert.Empty(run.KilnDiagnostics);
        Assert.Empty(run.CompilationProblems);
        Assembly assembly = run.Load([("Kiln/split.onnx/split.onnx.data", splitData)], original, split);
        var embedded = (CompiledNetwork)Activator.CreateInstance(assembly.GetType("Sample.Embedded")!, [null])!;
        var external = (CompiledNetwork)Activator.CreateInstance(assembly.GetType("Sample.Split")!, [null])!;
        var random = new Random(5);
        float[] image = Enumerable.Range(0, embedded.Definition.InputLength).Select(_ => (float)random.NextDouble()).ToArray();

        // The same weights through the same generated steps: the results must agree bit for bit.
        float[] expected = embedded.Activations(image).Values.ToArray();
        Assert.Equal(expected, external.Activations(image).Values.ToArray());
        Assert.Equal(10, expected.Length);
    }

    private static float[] Run(Assembly assembly)
    {
        var network = (CompiledNetwork)Activator.CreateInstance(assembly.GetType("Sample.Ext")!, [null])!;
        return network.Activations(Input).Values.ToArray();
    }

    private static Diagnostic Single(string model)
    {
        GeneratorRun run = GeneratorHarness.Run(Source, model);
        Diagnostic diagnostic = Assert.Single(run.KilnDiagnostics);
        Assert.Contains("initializer 'w'", diagnostic.GetMessage());
        Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Id is "CS8785" or "KLN9999");
        return diagnostic;
    }

    /// <summary>TinyConvRelu's graph (Conv 2×2 then Relu on a 1×1×3×3 input) with the given weight and bias tensors.</summary>
    internal static ModelProto Model(TensorProto weights, TensorProto bias)
    {
        ModelProto model = TestModels.TinyConvRelu();
        model.Graph.Initializer.Clear();
        model.Graph.Initializer.Add(weights);
        model.Graph.Initializer.Add(bias);
        return model;
    }

    internal static TensorProto External(string name, long[] dims, string location, long? offset, long? length)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float, DataLocation = TensorProto.Types.DataLocation.External };
        tensor.Dims.AddRange(dims);
        tensor.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = location });
        if (offset is not null)
        {
            tensor.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = offset.Value.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        }

        if (length is not null)
        {
            tensor.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = length.Value.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        }

        return tensor;
    }

    private static TensorProto Inline(string name, float[] values) => TestModels.RawFloats(name, [values.Length], values);

    internal static byte[] Bytes(float[] values)
    {
        byte[] bytes = new byte[values.Length * sizeof(float)];
        Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
        return bytes;
    }
}
