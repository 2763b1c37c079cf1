using System.Collections.Generic;

namespace Kiln.Compiler.Graph;

/// <summary>
/// A model as the compiler represents it: the main graph's nodes in file order, its initializers (as byte positions),
/// its declared inputs and outputs, and the default-domain opset that fixes each operator's meaning.
/// </summary>
internal sealed class OnnxGraph
{
    public OnnxGraph(string path, long fileLength)
    {
        Path = path;
        FileLength = fileLength;
    }

    /// <summary>Path of the model file.</summary>
    public string Path { get; }

    public string FileName => System.IO.Path.GetFileName(Path);

    public long FileLength { get; }

    public long IrVersion { get; set; }

    public string Producer { get; set; } = string.Empty;

    /// <summary>Version of the default ("" or "ai.onnx") operator set; 0 when the model names none.</summary>
    public int Opset { get; set; }

    /// <summary>Every operator set the model imports, by domain.</summary>
    public Dictionary<string, long> OperatorSets { get; } = new Dictionary<string, long>();

    public bool HasGraph { get; set; }

    public List<Node> Nodes { get; } = new List<Node>();

    public Dictionary<string, Initializer> Initializers { get; } = new Dictionary<string, Initializer>();

    /// <summary>Graph inputs in file order, initializers included (older exporters list weights as inputs too).</summary>
    public List<ValueInfo> DeclaredInputs { get; } = new List<ValueInfo>();

    public List<ValueInfo> DeclaredOutputs { get; } = new List<ValueInfo>();

    public Dictionary<string, ValueInfo> ValueInfos { get; } = new Dictionary<string, ValueInfo>();
}
