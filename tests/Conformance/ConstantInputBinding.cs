using Kiln.Compiler.Read.Onnx;

namespace Kiln.Conformance.Tests;

/// <summary>
/// Turns the graph inputs that decide shapes (a Reshape's target shape, a Slice's starts, a Resize's scales) into
/// initializers that contain the values of test_data_set_0. Kiln compiles fixed shapes, so such values must be known
/// at build time. A model exported for Kiln would carry them as initializers or Constant nodes.
/// </summary>
internal static class ConstantInputBinding
{
    /// <summary>The input positions (from 0) that decide an output's shape or list axes, by the operator that reads them.</summary>
    public static readonly IReadOnlyDictionary<string, int[]> ShapeDecidingPositions = new Dictionary<string, int[]>(StringComparer.Ordinal)
    {
        ["Reshape"] = [1],
        ["Slice"] = [1, 2, 3, 4],
        ["Pad"] = [1],
        ["Resize"] = [1, 2, 3],
        ["Upsample"] = [1],
        ["Tile"] = [1],
        ["Expand"] = [1],
        ["Split"] = [1],
        ["Squeeze"] = [1],
        ["Unsqueeze"] = [1],
        ["ReduceL1"] = [1],
        ["ReduceL2"] = [1],
        ["ReduceLogSum"] = [1],
        ["ReduceLogSumExp"] = [1],
        ["ReduceMax"] = [1],
        ["ReduceMean"] = [1],
        ["ReduceMin"] = [1],
        ["ReduceProd"] = [1],
        ["ReduceSum"] = [1],
        ["ReduceSumSquare"] = [1],
        ["ConstantOfShape"] = [0],
    };

    /// <summary>
    /// The model of <paramref name="test"/> with its shape-deciding inputs bound to the values of test_data_set_0,
    /// and the names of the inputs it bound.
    /// </summary>
    /// <remarks>
    /// An input counts when some node reads it at a position of <see cref="ShapeDecidingPositions"/>, which covers every
    /// integer or bool input that only such positions read. The outputs stay the same for test_data_set_0 because the
    /// initializer contains the input's own value. Other data sets must carry the same values in these inputs, which
    /// <see cref="FindDifferentBoundValue"/> checks.
    /// </remarks>
    public static (ModelProto Model, IReadOnlyList<string> BoundInputs) Bind(NodeTest test)
    {
        ModelProto model = test.Model.Clone();
        IReadOnlyList<ValueInfoProto> dataInputs = test.DataInputs;
        var bound = new List<string>();
        for (int position = 0; position < dataInputs.Count; position++)
        {
            ValueInfoProto input = dataInputs[position];
            if (!IsShapeDeciding(model.Graph, input))
            {
                continue;
            }

            string path = Path.Combine(test.DataSets[0], $"input_{position}.pb");
            TensorProto value = TensorValues.ReadFile(path);
            value.Name = input.Name;
            model.Graph.Initializer.Add(value);
            model.Graph.Input.Remove(model.Graph.Input.First(declared => declared.Name == input.Name));
            bound.Add(input.Name);
        }

        return (model, bound);
    }

    /// <summary>
    /// Returns why <paramref name="dataSet"/> cannot run on the model compiled with the values of test_data_set_0,
    /// or null when it gives every bound input the same dims and values.
    /// </summary>
    public static string? FindDifferentBoundValue(NodeTest test, IReadOnlyList<string> boundInputs, string dataSet)
    {
        var dataInputs = test.DataInputs.ToList();
        foreach (string name in boundInputs)
        {
            string file = $"input_{dataInputs.FindIndex(input => input.Name == name)}.pb";
            TensorProto first = TensorValues.ReadFile(Path.Combine(test.DataSets[0], file));
            TensorProto current = TensorValues.ReadFile(Path.Combine(dataSet, file));
            if (!first.Dims.SequenceEqual(current.Dims) || !TensorValues.ReadNumbers(first).SequenceEqual(TensorValues.ReadNumbers(current)))
            {
                return $"{Path.GetFileName(dataSet)} gives the bound input '{name}' another value than test_data_set_0, " +
                    "so the model compiled with the value of test_data_set_0 cannot run it";
            }
        }

        return null;
    }

    private static bool IsShapeDeciding(GraphProto graph, ValueInfoProto input) =>
        graph.Node.Any(node => ShapeDecidingPositions.TryGetValue(node.OpType, out int[]? positions)
            && positions.Any(position => position < node.Input.Count && node.Input[position] == input.Name));
}
