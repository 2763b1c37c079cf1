using Google.Protobuf;
using Kiln.Compiler.Read.Onnx;

namespace Kiln.Compiler.Tests;

/// <summary>Builds small ONNX models in code and writes them to a temporary folder, for generator tests.</summary>
internal sealed class TestModels : IDisposable
{
    public TestModels()
    {
        Folder = Directory.CreateTempSubdirectory("kiln-models-").FullName;
    }

    public string Folder { get; }

    /// <summary>Conv 2×2 (one filter) → Relu on a 1×1×3×3 input, with raw_data weights; small enough to work out by hand.</summary>
    public static ModelProto TinyConvRelu()
    {
        var graph = new GraphProto { Name = "tiny" };
        graph.Input.Add(Value("x", 1, 1, 3, 3));
        graph.Output.Add(Value("y", 1, 1, 2, 2));
        graph.Initializer.Add(RawFloats("w", new long[] { 1, 1, 2, 2 }, 1f, 0f, 0f, -1f));
        graph.Initializer.Add(RawFloats("b", new long[] { 1 }, 0.5f));
        graph.Node.Add(Node("conv", "Conv", new[] { "x", "w", "b" }, new[] { "c" }, Ints("kernel_shape", 2, 2)));
        graph.Node.Add(Node("relu", "Relu", new[] { "c" }, new[] { "y" }));
        return Model(graph, 13);
    }

    /// <summary>A small CNN with every kind of step the sample networks use: Conv, BatchNormalization, Relu, MaxPool, Add, Flatten, Gemm, Softmax.</summary>
    public static ModelProto SmallCnn()
    {
        var random = new Random(7);
        float[] Values(int count) => Enumerable.Range(0, count).Select(_ => (float)Math.Round(random.NextDouble() - 0.5, 3)).ToArray();

        var graph = new GraphProto { Name = "small-cnn" };
        graph.Input.Add(Value("image", -1, 2, 6, 6));
        graph.Output.Add(Value("prob", -1, 3));
        graph.Initializer.Add(RawFloats("conv1_W", new long[] { 4, 2, 3, 3 }, Values(72)));
        graph.Initializer.Add(RawFloats("conv1_B", new long[] { 4 }, Values(4)));
        graph.Initializer.Add(RawFloats("bn_scale", new long[] { 4 }, 1f, 0.5f, 2f, 1.5f));
        graph.Initializer.Add(RawFloats("bn_bias", new long[] { 4 }, 0f, 0.1f, -0.1f, 0.2f));
        graph.Initializer.Add(RawFloats("bn_mean", new long[] { 4 }, 0.1f, -0.1f, 0f, 0.05f));
        graph.Initializer.Add(RawFloats("bn_var", new long[] { 4 }, 1f, 2f, 0.5f, 1f));
        graph.Initializer.Add(RawFloats("fc_W", new long[] { 3, 36 }, Values(108)));
        graph.Initializer.Add(RawFloats("fc_B", new long[] { 3 }, Values(3)));
        graph.Node.Add(Node("conv1", "Conv", new[] { "image", "conv1_W", "conv1_B" }, new[] { "conv1" }, Ints("kernel_shape", 3, 3), Ints("pads", 1, 1, 1, 1)));
        graph.Node.Add(Node("bn1", "BatchNormalization", new[] { "conv1", "bn_scale", "bn_bias", "bn_mean", "bn_var" }, new[] { "bn1" }));
        graph.Node.Add(Node("relu1", "Relu", new[] { "bn1" }, new[] { "relu1" }));
        graph.Node.Add(Node("residual", "Add", new[] { "relu1", "conv1" }, new[] { "residual" }));
        graph.Node.Add(Node("pool1", "MaxPool", new[] { "residual" }, new[] { "pool1" }, Ints("kernel_shape", 2, 2), Ints("strides", 2, 2)));
        graph.Node.Add(Node("flatten", "Flatten", new[] { "pool1" }, new[] { "flatten" }));
        graph.Node.Add(Node("drop", "Dropout", new[] { "flatten" }, new[] { "drop" }));
        graph.Node.Add(Node("fc", "Gemm", new[] { "drop", "fc_W", "fc_B" }, new[] { "fc" }, Int("transB", 1)));
        graph.Node.Add(Node("prob", "Softmax", new[] { "fc" }, new[] { "prob" }, Int("axis", 1)));
        return Model(graph, 13);
    }

    /// <summary>y = (a − b) · c, with two graph inputs a and b (2×3) and c a Constant node, broadcast along rows.</summary>
    public static ModelProto TwoInputs()
    {
        var graph = new GraphProto { Name = "two-inputs" };
        graph.Input.Add(Value("a", 2, 3));
        graph.Input.Add(Value("b", 2, 3));
        graph.Output.Add(Value("y", 2, 3));
        var constant = new AttributeProto { Name = "value", Type = AttributeProto.Types.AttributeType.Tensor, T = RawFloats(string.Empty, new long[] { 3 }, 1f, -2f, 0.5f) };
        graph.Node.Add(Node("scale", "Constant", [], ["c"], constant));
        graph.Node.Add(Node("difference", "Sub", ["a", "b"], ["d"]));
        graph.Node.Add(Node("scaled", "Mul", ["d", "c"], ["y"]));
        return Model(graph, 13);
    }

    /// <summary>
    /// PyTorch's export of <c>x.flatten(1)</c> for an N×3×4×5 input: Shape → Gather(0) → Unsqueeze → Concat with [-1] → Reshape,
    /// followed by Relu so the network does some arithmetic of its own.
    /// </summary>
    public static ModelProto PyTorchFlatten()
    {
        var graph = new GraphProto { Name = "torch-flatten" };
        graph.Input.Add(Value("x", -1, 3, 4, 5));
        graph.Output.Add(Value("y", -1, 60));
        graph.Initializer.Add(Int64s("zero", [], 0));
        graph.Initializer.Add(Int64s("axes", [1], 0));
        graph.Initializer.Add(Int64s("minus_one", [1], -1));
        graph.Node.Add(Node("/Shape", "Shape", ["x"], ["shape"]));
        graph.Node.Add(Node("/Gather", "Gather", ["shape", "zero"], ["batch"], Int("axis", 0)));
        graph.Node.Add(Node("/Unsqueeze", "Unsqueeze", ["batch", "axes"], ["batch_1d"]));
        graph.Node.Add(Node("/Concat", "Concat", ["batch_1d", "minus_one"], ["target"], Int("axis", 0)));
        graph.Node.Add(Node("/Reshape", "Reshape", ["x", "target"], ["flat"]));
        graph.Node.Add(Node("/Relu", "Relu", ["flat"], ["y"]));
        return Model(graph, 13);
    }

    public static TensorProto Int64s(string name, long[] dims, params long[] values)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Dims.AddRange(dims);
        byte[] bytes = new byte[values.Length * 8];
        Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
        tensor.RawData = ByteString.CopyFrom(bytes);
        return tensor;
    }

    public string Write(string fileName, ModelProto model) => WriteBytes(fileName, model.ToByteArray());

    public string WriteBytes(string fileName, byte[] bytes)
    {
        string path = Path.Combine(Folder, fileName);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary folder is harmless.
        }
    }

    public static ModelProto Model(GraphProto graph, long opset)
    {
        var model = new ModelProto { IrVersion = 8, ProducerName = "kiln-tests", Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = opset });
        return model;
    }

    /// <summary>A float tensor value info; -1 makes a symbolic dimension named N.</summary>
    public static ValueInfoProto Value(string name, params long[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (long dim in dims)
        {
            shape.Dim.Add(dim < 0 ? new TensorShapeProto.Types.Dimension { DimParam = "N" } : new TensorShapeProto.Types.Dimension { DimValue = dim });
        }

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
        };
    }

    public static TensorProto RawFloats(string name, long[] dims, params float[] values)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.AddRange(dims);
        byte[] bytes = new byte[values.Length * 4];
        Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
        tensor.RawData = ByteString.CopyFrom(bytes);
        return tensor;
    }

    public static NodeProto Node(string name, string opType, string[] inputs, string[] outputs, params AttributeProto[] attributes)
    {
        var node = new NodeProto { Name = name, OpType = opType };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        return node;
    }

    public static AttributeProto Ints(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    public static AttributeProto Float(string name, float value) =>
        new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    public static AttributeProto Floats(string name, params float[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Floats };
        attribute.Floats.AddRange(values);
        return attribute;
    }

    public static AttributeProto Text(string name, string value) =>
        new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    public static AttributeProto Int(string name, long value) =>
        new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };
}
