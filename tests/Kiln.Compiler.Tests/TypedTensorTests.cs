using Kiln.Compiler.Read.Onnx;
using DataType = Kiln.Compiler.Read.Onnx.TensorProto.Types.DataType;

namespace Kiln.Compiler.Tests;

/// <summary>
/// Integer and bool tensors, which Kiln stores as float32: int64 inputs and outputs, integer division, comparisons,
/// and target layers whose values are known at build time. Expected values are worked out by hand.
/// </summary>
public sealed class TypedTensorTests : IClassFixture<TypedTensorTests.CompiledModels>
{
    private readonly CompiledModels _models;

    public TypedTensorTests(CompiledModels models)
    {
        _models = models;
    }

    [Fact]
    public void GatherByInt64IndicesThenArgMax()
    {
        // Rows 2, 0 and -1 (= 3) of the table [[1, 9], [8, 2], [5, 6], [4, 3]], then the column of each row's maximum.
        using CompiledNetwork network = _models.Create("embedding");
        Layer rows = network.ResolveLayer("gather");
        Layer best = network.ResolveLayer("argmax");

        float[] gathered = network.Activations(new float[] { 2, 0, -1 }, rows).Values.ToArray();
        float[] columns = network.Activations(new float[] { 2, 0, -1 }, best).Values.ToArray();

        Assert.Equal([5f, 6f, 1f, 9f, 4f, 3f], gathered);
        Assert.Equal([1f, 1f, 0f], columns);
        Assert.Equal("int64", network.Definition.Inputs[0].ElementType);
        Assert.Equal("int64", best.ElementType);
        Assert.Equal("float", rows.ElementType);
    }

    [Fact]
    public void Int64DivisionTruncatesAndComparisonGivesBool()
    {
        // [7, -7, 9] / [2, 2, -4] truncates to [3, -3, -2]; Greater than 0 gives [1, 0, 1].
        using CompiledNetwork network = _models.Create("integer_division");
        Layer quotient = network.ResolveLayer("div");
        Layer positive = network.ResolveLayer("greater");

        float[] q = network.Activations(new float[] { 7, -7, 9 }, quotient).Values.ToArray();
        float[] p = network.Activations(new float[] { 7, -7, 9 }, positive).Values.ToArray();

        Assert.Equal([3f, -3f, -2f], q);
        Assert.Equal([1f, 0f, 1f], p);
        Assert.Equal("bool", positive.ElementType);
    }

    [Fact]
    public void ShapeAsTargetIsWrittenFromTheConstant()
    {
        using CompiledNetwork network = _models.Create("shape_target");

        Activations shape = network.Activations(new float[6], network.ResolveLayer("shape"));

        Assert.Equal([2f, 3f], shape.Values.ToArray());
        Assert.Equal("int64", shape.Layer.ElementType);
    }

    [Fact]
    public void NetworkWithoutInputsComputesItsConstant()
    {
        using CompiledNetwork network = _models.Create("constant_only");

        Activations values = network.Activations(Array.Empty<ReadOnlyMemory<float>>(), network.Definition.TargetLayer);

        Assert.Empty(network.Definition.Inputs);
        Assert.Equal(1, values.Observations);
        Assert.Equal([0.5f, -2f, 3.25f], values.Values.ToArray());
    }

    private static Dictionary<string, ModelProto> Models() => new()
    {
        ["embedding"] = Embedding(),
        ["integer_division"] = IntegerDivision(),
        ["shape_target"] = ShapeTarget(),
        ["constant_only"] = ConstantOnly(),
    };

    private static ModelProto Embedding()
    {
        var graph = new GraphProto { Name = "embedding" };
        graph.Input.Add(Typed("ids", DataType.Int64, 3));
        graph.Initializer.Add(TestModels.RawFloats("table", [4, 2], 1, 9, 8, 2, 5, 6, 4, 3));
        graph.Node.Add(TestModels.Node("gather", "Gather", ["table", "ids"], ["rows"]));
        graph.Node.Add(TestModels.Node("argmax", "ArgMax", ["rows"], ["best"], TestModels.Int("axis", 1), TestModels.Int("keepdims", 0)));
        graph.Output.Add(Typed("best", DataType.Int64, 3));
        return TestModels.Model(graph, 13);
    }

    private static ModelProto IntegerDivision()
    {
        var graph = new GraphProto { Name = "integer_division" };
        graph.Input.Add(Typed("x", DataType.Int64, 3));
        graph.Initializer.Add(TestModels.Int64s("divisor", [3], 2, 2, -4));
        graph.Initializer.Add(TestModels.Int64s("zero", [], 0));
        graph.Node.Add(TestModels.Node("div", "Div", ["x", "divisor"], ["q"]));
        graph.Node.Add(TestModels.Node("greater", "Greater", ["x", "zero"], ["positive"]));
        graph.Output.Add(Typed("q", DataType.Int64, 3));
        graph.Output.Add(Typed("positive", DataType.Bool, 3));
        return TestModels.Model(graph, 13);
    }

    private static ModelProto ShapeTarget()
    {
        var graph = new GraphProto { Name = "shape_target" };
        graph.Input.Add(TestModels.Value("x", 2, 3));
        graph.Node.Add(TestModels.Node("shape", "Shape", ["x"], ["s"]));
        graph.Output.Add(Typed("s", DataType.Int64, 2));
        return TestModels.Model(graph, 13);
    }

    private static ModelProto ConstantOnly()
    {
        var graph = new GraphProto { Name = "constant_only" };
        var value = new AttributeProto { Name = "value", Type = AttributeProto.Types.AttributeType.Tensor, T = TestModels.RawFloats("v", [3], 0.5f, -2f, 3.25f) };
        graph.Node.Add(TestModels.Node("constant", "Constant", [], ["c"], value));
        graph.Output.Add(TestModels.Value("c", 3));
        return TestModels.Model(graph, 13);
    }

    private static ValueInfoProto Typed(string name, DataType type, params long[] dims)
    {
        ValueInfoProto value = TestModels.Value(name, dims);
        value.Type.TensorType.ElemType = (int)type;
        return value;
    }

    /// <summary>All models, compiled together once for the test class.</summary>
    public sealed class CompiledModels : IDisposable
    {
        private readonly CompiledModelSet _models = new(Models());

        public CompiledNetwork Create(string model) => _models.Create(model);

        public void Dispose() => _models.Dispose();
    }
}
