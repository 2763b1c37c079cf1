using System.Reflection;
using Google.Protobuf;
using Kiln.Compiler.Read.Onnx;
using Microsoft.ML.OnnxRuntime;

namespace Kiln.Oracle.Tests;

/// <summary>One tensor computed by ONNX Runtime: its values in ONNX order and its shape.</summary>
internal sealed record ReferenceTensor(float[] Values, long[] Shape);

/// <summary>
/// ONNX Runtime running one of the models embedded in this assembly, with chosen intermediate tensors added as
/// graph outputs, because ONNX Runtime returns graph outputs only.
/// </summary>
internal sealed class OnnxReference : IDisposable
{
    // TensorProto.DataType.FLOAT in the ONNX standard.
    private const int FloatElementType = 1;

    private readonly InferenceSession _session;
    private readonly string _inputName;
    private readonly string[] _outputNames;

    private OnnxReference(byte[] model, string inputName, string[] outputNames)
    {
        // No graph optimizations: the reference computes each node as written, with no fused Conv and BatchNormalization.
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL };
        _session = new InferenceSession(model, options);
        _inputName = inputName;
        _outputNames = outputNames;
    }

    /// <summary>
    /// Loads the embedded model <paramref name="modelFile"/> (the bytes Kiln compiled) and makes
    /// <paramref name="tensorNames"/> graph outputs of it, in addition to the graph's own outputs.
    /// </summary>
    public static OnnxReference Load(string modelFile, IEnumerable<string> tensorNames)
    {
        ModelProto model = ModelProto.Parser.ParseFrom(ReadEmbeddedModel(modelFile));
        GraphProto graph = model.Graph;

        var produced = new HashSet<string>(graph.Node.SelectMany(node => node.Output), StringComparer.Ordinal);
        var outputs = new HashSet<string>(graph.Output.Select(output => output.Name), StringComparer.Ordinal);
        foreach (string name in tensorNames)
        {
            if (!produced.Contains(name))
            {
                throw new ArgumentException($"{modelFile} has no node output named '{name}'.", nameof(tensorNames));
            }

            if (outputs.Add(name))
            {
                // ONNX Runtime needs the element type of a graph output, but the shape may stay unknown.
                graph.Output.Add(new ValueInfoProto
                {
                    Name = name,
                    Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = FloatElementType } },
                });
            }
        }

        string[] graphInputs = graph.Input.Select(input => input.Name).Except(graph.Initializer.Select(tensor => tensor.Name)).ToArray();
        if (graphInputs.Length != 1)
        {
            throw new InvalidDataException($"{modelFile} has {graphInputs.Length} graph inputs that are not initializers, but the oracle tests expect exactly one.");
        }

        return new OnnxReference(model.ToByteArray(), graphInputs[0], graph.Output.Select(output => output.Name).ToArray());
    }

    /// <summary>Runs the model on <paramref name="input"/> (shape <paramref name="inputShape"/>) and returns every graph output by name.</summary>
    public IReadOnlyDictionary<string, ReferenceTensor> Run(float[] input, long[] inputShape)
    {
        using OrtValue inputValue = OrtValue.CreateTensorValueFromMemory(input, inputShape);
        using var runOptions = new RunOptions();
        using IDisposableReadOnlyCollection<OrtValue> results = _session.Run(runOptions, [_inputName], [inputValue], _outputNames);

        var tensors = new Dictionary<string, ReferenceTensor>(StringComparer.Ordinal);
        int index = 0;
        foreach (OrtValue result in results)
        {
            float[] values = result.GetTensorDataAsSpan<float>().ToArray();
            long[] shape = result.GetTensorTypeAndShape().Shape;
            tensors.Add(_outputNames[index], new ReferenceTensor(values, shape));
            index++;
        }

        return tensors;
    }

    /// <inheritdoc/>
    public void Dispose() => _session.Dispose();

    /// <summary>Reads a model that Kiln's build targets embedded as the resource <c>Kiln/&lt;file name&gt;</c>.</summary>
    private static byte[] ReadEmbeddedModel(string modelFile)
    {
        string resourceName = "Kiln/" + modelFile;
        using Stream stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(resourceName)
            ?? throw new InvalidOperationException(
                $"The resource '{resourceName}' is missing: list {modelFile} as an AdditionalFiles item and import Kiln.targets.");
        using var bytes = new MemoryStream();
        stream.CopyTo(bytes);
        return bytes.ToArray();
    }
}
