using System.Globalization;
using Kiln.Compiler.Read.Onnx;

namespace Kiln.Conformance.Tests;

/// <summary>Runs one compiled network on every data set of its node test and compares each graph output with the expected values.</summary>
internal static class NetworkCheck
{
    /// <summary>The tolerance of the node tests: a value matches when |actual − expected| ≤ AbsoluteTolerance + RelativeTolerance·|expected|.</summary>
    public const double AbsoluteTolerance = 1e-7;

    public const double RelativeTolerance = 1e-3;

    /// <summary>
    /// Returns null when every output of every data set matches, else the first problem found. The network is created
    /// with <paramref name="options"/>, or the defaults when null.
    /// </summary>
    public static string? Run(NodeTest test, Type networkType, IReadOnlyList<string> boundInputs, ActivationOptions? options = null)
    {
        using var network = (CompiledNetwork)Activator.CreateInstance(networkType, [options])!;
        foreach (string dataSet in test.DataSets)
        {
            string? problem = ConstantInputBinding.FindDifferentBoundValue(test, boundInputs, dataSet)
                ?? RunDataSet(test, network, dataSet);
            if (problem is not null)
            {
                return problem;
            }
        }

        return null;
    }

    private static string? RunDataSet(NodeTest test, CompiledNetwork network, string dataSet)
    {
        string setName = Path.GetFileName(dataSet);
        var inputs = new List<ReadOnlyMemory<float>>();
        IReadOnlyList<ValueInfoProto> dataInputs = test.DataInputs;
        foreach (InputDefinition input in network.Definition.Inputs)
        {
            int position = dataInputs.ToList().FindIndex(declared => declared.Name == input.Name);
            if (position < 0)
            {
                return $"the compiled network takes the input '{input.Name}', which the model does not declare";
            }

            TensorProto values = TensorValues.ReadFile(Path.Combine(dataSet, $"input_{position}.pb"));
            inputs.Add(TensorValues.ReadFloats(TensorValues.AsDeclared(values, dataInputs[position].Type.TensorType.ElemType)));
        }

        for (int k = 0; k < test.Model.Graph.Output.Count; k++)
        {
            string outputName = test.Model.Graph.Output[k].Name;
            Layer? layer = network.Definition.FindLayer(outputName);
            if (layer is null)
            {
                return $"the compiled network has no layer for the graph output '{outputName}'";
            }

            Activations actual = network.Activations(inputs, layer);
            TensorProto expected = TensorValues.AsDeclared(
                TensorValues.ReadFile(Path.Combine(dataSet, $"output_{k}.pb")), test.Model.Graph.Output[k].Type.TensorType.ElemType);
            string? problem = Compare(actual, expected);
            if (problem is not null)
            {
                return $"{setName}, output '{outputName}': {problem}";
            }
        }

        return null;
    }

    /// <summary>Compares shape and values; integer and bool expected values are compared as numbers.</summary>
    private static string? Compare(Activations actual, TensorProto expected)
    {
        // One observation keeps the layer's own shape (a scalar stays a scalar); more multiply its leading dimension.
        IReadOnlyList<int> actualShape = actual.Observations == 1 ? actual.Layer.Shape : actual.Shape;
        if (!actualShape.Select(d => (long)d).SequenceEqual(expected.Dims))
        {
            return $"the shape is {FormatShape(actualShape.Select(d => (long)d))}, expected {FormatShape(expected.Dims)}";
        }

        double[] expectedValues = TensorValues.ReadNumbers(expected);
        ReadOnlySpan<float> values = actual.Values;
        if (values.Length != expectedValues.Length)
        {
            return $"{values.Length} values, expected {expectedValues.Length}";
        }

        int mismatches = 0;
        int first = -1;
        double largestError = 0;
        for (int i = 0; i < values.Length; i++)
        {
            double a = values[i];
            double e = expectedValues[i];
            bool equal = a.Equals(e) || Math.Abs(a - e) <= AbsoluteTolerance + (RelativeTolerance * Math.Abs(e));
            if (!equal)
            {
                mismatches++;
                first = first < 0 ? i : first;
                largestError = Math.Max(largestError, double.IsNaN(a - e) ? double.PositiveInfinity : Math.Abs(a - e));
            }
        }

        if (mismatches == 0)
        {
            return null;
        }

        return string.Create(
            CultureInfo.InvariantCulture,
            $"{mismatches} of {values.Length} values differ by more than {AbsoluteTolerance} + {RelativeTolerance}·|expected| " +
            $"(largest difference {largestError:G4}); the first, at index {first}, is {values[first]:G9} instead of {expectedValues[first]:G9}");
    }

    private static string FormatShape(IEnumerable<long> shape)
    {
        string text = string.Join("×", shape);
        return text.Length == 0 ? "a scalar" : text;
    }
}
