using Kiln.Compiler.Graph;
using Kiln.Compiler.Operators;
using Kiln.Compiler.Read.Onnx;

namespace Kiln.Conformance.Tests;

/// <summary>One ONNX backend node test: its model, the operators it uses and its data sets.</summary>
internal sealed class NodeTest
{
    public NodeTest(string folder)
    {
        Folder = folder;
        Name = Path.GetFileName(folder);
        Model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(Path.Combine(folder, "model.onnx")));

        OperatorSetIdProto defaultDomain = Model.OpsetImport.FirstOrDefault(import => import.Domain is "" or "ai.onnx")
            ?? throw new InvalidDataException($"The model of {Name} imports no opset of the default ONNX domain.");
        Opset = (int)defaultDomain.Version;

        Operators = Model.Graph.Node.Select(QualifiedOpType).Distinct().ToList();
        UnclaimedOperators = Model.Graph.Node
            .Where(node => OperatorRegistry.Find(node.Domain, node.OpType, Opset) is null)
            .Select(QualifiedOpType)
            .Distinct()
            .ToList();
        UnclaimedValues = Model.Graph.Input.Concat(Model.Graph.Output)
            .Select(DescribeUnclaimedType)
            .OfType<string>()
            .Distinct()
            .ToList();
        DataSets = Directory.GetDirectories(folder, "test_data_set_*")
            .OrderBy(path => int.Parse(Path.GetFileName(path)["test_data_set_".Length..], System.Globalization.CultureInfo.InvariantCulture))
            .ToList();
    }

    /// <summary>The folder name, such as <c>test_abs</c>; also the model file and class name of the compiled network.</summary>
    public string Name { get; }

    public string Folder { get; }

    public ModelProto Model { get; }

    /// <summary>The default-domain opset the model imports.</summary>
    public int Opset { get; }

    /// <summary>The operator types of the graph's nodes, in node order, each once; other domains are written <c>domain.OpType</c>.</summary>
    public IReadOnlyList<string> Operators { get; }

    /// <summary>The operators among <see cref="Operators"/> that Kiln does not claim at <see cref="Opset"/>.</summary>
    public IReadOnlyList<string> UnclaimedOperators { get; }

    /// <summary>
    /// The graph inputs and outputs that are not tensors of numbers or bools (strings, sequences, optional values), as
    /// text. Kiln claims operators on numeric and bool tensors only, as <see cref="ElementTypes.IsNumeric"/> states.
    /// </summary>
    public IReadOnlyList<string> UnclaimedValues { get; }

    public bool IsClaimed => UnclaimedOperators.Count == 0 && UnclaimedValues.Count == 0;

    /// <summary>The test_data_set_N folders, by N.</summary>
    public IReadOnlyList<string> DataSets { get; }

    /// <summary>The graph inputs that are not initializers, in declaration order: input_K.pb contains the value of the K-th.</summary>
    public IReadOnlyList<ValueInfoProto> DataInputs =>
        Model.Graph.Input.Where(input => Model.Graph.Initializer.All(initializer => initializer.Name != input.Name)).ToList();

    private static string? DescribeUnclaimedType(ValueInfoProto value)
    {
        if (value.Type?.TensorType is null)
        {
            return $"'{value.Name}' is a sequence, map or optional value";
        }

        var type = (ElementType)value.Type.TensorType.ElemType;
        return ElementTypes.IsNumeric(type) ? null : $"'{value.Name}' is a {ElementTypes.Name(type)} tensor";
    }

    public static string QualifiedOpType(NodeProto node) =>
        node.Domain is "" or "ai.onnx" ? node.OpType : $"{node.Domain}.{node.OpType}";
}

/// <summary>Finds the node tests in the shared folder next to the repository.</summary>
internal static class NodeTestSuite
{
    /// <summary>Number of node tests in the suite (onnx 1.12, opsets up to 17); a different count means the folder changed.</summary>
    public const int ExpectedTestCount = 547;

    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>The suite folder, <c>../shared/onnx-node-tests</c> from the repository root.</summary>
    public static string Folder
    {
        get
        {
            string folder = Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "onnx-node-tests"));
            if (!Directory.Exists(folder))
            {
                throw new DirectoryNotFoundException(
                    $"The ONNX node test folder '{folder}' is missing. The conformance tests read the ONNX backend node tests " +
                    $"(test_NAME/model.onnx with test_data_set_N folders) from ../shared/onnx-node-tests relative to the repository " +
                    $"root '{RepositoryRoot}'; restore that folder before running them.");
            }

            return folder;
        }
    }

    public static IReadOnlyList<NodeTest> Load() =>
        Directory.GetDirectories(Folder, "test_*")
            .Order(StringComparer.Ordinal)
            .Select(folder => new NodeTest(folder))
            .ToList();

    private static string FindRepositoryRoot()
    {
        for (DirectoryInfo? folder = new(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Compiler.sln")))
            {
                return folder.FullName;
            }
        }

        throw new DirectoryNotFoundException(
            $"No folder containing Compiler.sln was found above '{AppContext.BaseDirectory}'. " +
            "Run the conformance tests from a build inside the Kiln repository.");
    }
}
