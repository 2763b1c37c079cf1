using Microsoft.CodeAnalysis;

namespace Kiln.Compiler.Diagnostics;

/// <summary>Every diagnostic Kiln reports, in one place. Messages name the model file and the node, and state what would be accepted.</summary>
internal static class KilnDiagnostics
{
    /// <summary>
    /// Where each diagnostic's help page lies: <c>KLNxxxx.md</c> in the repository's <c>docs/diagnostics</c> folder.
    /// Kiln has no public documentation address yet, so the link is a path relative to the repository root, which a
    /// reader of the repository can follow but an IDE cannot open. Set this to the folder's web address once it has one.
    /// </summary>
    public const string HelpLinkBase = "docs/diagnostics/";

    private const string Category = "Kiln";

    public static readonly DiagnosticDescriptor ModelNotFound = Error(
        "KLN0001",
        "ONNX model not found among AdditionalFiles",
        "The model '{0}' named by [OnnxNetwork] on {1} is not among the project's AdditionalFiles. Add <AdditionalFiles Include=\"path/to/{0}\" /> to the project file.{2}");

    public static readonly DiagnosticDescriptor AmbiguousModel = Error(
        "KLN0002",
        "ONNX model path matches several AdditionalFiles",
        "The model '{0}' named by [OnnxNetwork] on {1} matches several AdditionalFiles: {2}. Give a longer path that matches exactly one.");

    public static readonly DiagnosticDescriptor UnreadableModel = Error(
        "KLN0003",
        "ONNX model cannot be read",
        "Cannot read the ONNX model '{0}': {1}. Kiln expects a binary ONNX ModelProto file, as written by an ONNX exporter.");

    public static readonly DiagnosticDescriptor UnknownLayer = Error(
        "KLN0004",
        "Unknown target layer",
        "The model '{0}' has no layer '{1}'. Closest layers: {2}. A layer is a node name, an output tensor name, or 'node/output'.");

    public static readonly DiagnosticDescriptor UnsupportedOperator = Error(
        "KLN0005",
        "Unsupported ONNX operator",
        "Node '{0}' of the model '{1}' uses the operator {2} at opset {3}, which Kiln does not compile. {4}.");

    public static readonly DiagnosticDescriptor InvalidNode = Error(
        "KLN0006",
        "Unsupported or invalid node",
        "Node '{0}' ({1}, opset {2}) of the model '{3}': {4}.");

    public static readonly DiagnosticDescriptor InvalidModel = Error(
        "KLN0007",
        "Invalid model graph",
        "The model '{0}' is not a valid graph: {1}.");

    public static readonly DiagnosticDescriptor SymbolicDimension = Error(
        "KLN0008",
        "Symbolic dimension needs a value",
        "Input '{0}' of the model '{1}' has the symbolic dimension '{2}' at axis {3}. Kiln compiles fixed shapes and binds only the batch dimension (to one observation), so give the dimension a value with the Dimensions option (Dimensions = \"{2}=<size>\" on [OnnxNetwork] or on the model's AdditionalFiles item) or export the model with it fixed.");

    public static readonly DiagnosticDescriptor NotPartial = Error(
        "KLN0009",
        "Network class must be partial",
        "The class {0} carries [OnnxNetwork] but is not declared partial. Declare it as 'partial class {0}' so that Kiln can add the generated members.");

    public static readonly DiagnosticDescriptor UnsupportedOpset = Error(
        "KLN0010",
        "Unsupported opset version",
        "The model '{0}' imports opset {1} of the default ONNX domain, but Kiln implements opsets {2} to {3}. Convert the model to one of those versions.");

    public static readonly DiagnosticDescriptor UnsupportedInputs = Error(
        "KLN0011",
        "Unsupported network inputs",
        "The model '{0}' {1}, but Kiln compiles networks whose graph inputs are tensors of numbers or bools with a static, nonzero shape.");

    public static readonly DiagnosticDescriptor NestedClass = Error(
        "KLN0012",
        "Network class must not be nested or generic",
        "The class {0} carries [OnnxNetwork] but {1}. Declare it as a non-generic class directly in a namespace.");

    public static readonly DiagnosticDescriptor ExternalDataOutsideModel = Error(
        "KLN0013",
        "External data outside the model's folder",
        "The initializer '{1}' of the model '{0}' names the external data file '{2}', which is absolute, contains '..' or lies outside the model's folder. Kiln reads external data only from files beside the model or below its folder, so a model cannot read other files of the build.");

    public static readonly DiagnosticDescriptor ExternalDataNotFound = Error(
        "KLN0014",
        "External data file not found",
        "The initializer '{1}' of the model '{0}' stores its values in the external file '{2}', which does not exist (expected at {3}). Keep the external data files where the exporter wrote them, beside the model.");

    public static readonly DiagnosticDescriptor ExternalDataNotEmbedded = Error(
        "KLN0015",
        "External data file not embedded",
        "The initializer '{1}' of the model '{0}' stores its values in the external file '{2}', but the build embeds only '{3}' beside this model. List every external data file in the model's item, separated by semicolons: <AdditionalFiles Include=\"{0}\" ExternalData=\"{2}\" />.");

    public static readonly DiagnosticDescriptor ExternalDataOutsideFile = Error(
        "KLN0016",
        "External data range outside its file",
        "The initializer '{1}' of the model '{0}' names {2} of the external file '{3}', which has only {4} bytes. Save the model and its external data again, together.");

    public static readonly DiagnosticDescriptor ExternalDataLengthMismatch = Error(
        "KLN0017",
        "External data length does not match the dims",
        "The initializer '{1}' of the model '{0}' has {2} bytes in the external file '{3}', but its {4} need {5} {6} values, which take {7} bytes. Save the model and its external data again, together.");

    public static readonly DiagnosticDescriptor ArenaTooLarge = Error(
        "KLN0018",
        "Activation memory too large",
        "The network compiled from '{0}' needs {1} bytes of activation memory per observation (at step {2}, {3}), more than the limit of {4} bytes. Choose an earlier TargetLayer, or raise the limit with the KilnMaxArenaBytes build property, up to {5} bytes.");

    public static readonly DiagnosticDescriptor InvalidBuildProperty = Error(
        "KLN0019",
        "Invalid Kiln build property",
        "The build property {0} has the value '{1}', but it must be {2}.");

    public static readonly DiagnosticDescriptor InvalidDimensions = Error(
        "KLN0020",
        "Invalid dimension values",
        "The Dimensions option '{0}' for the model '{1}' is invalid: {2}. Write name=value pairs separated by commas, such as \"S=28, T=5\", each naming a symbolic dimension of the graph inputs and giving it a positive size.");

    public static readonly DiagnosticDescriptor GpuUnsupportedNode = Error(
        "KLN0021",
        "Node not compiled by the GPU backend",
        "Node '{0}' ({1}) of the model '{2}' cannot run on the GPU: {3}. Kiln generates GPU kernels because the project references Kiln.Gpu; set GpuKernels = false on [OnnxNetwork] for {4} (or GpuKernels=\"false\" on its AdditionalFiles item) to compile it for the CPU only.");

    public static readonly DiagnosticDescriptor InternalError = Error(
        "KLN9999",
        "Kiln failed unexpectedly",
        "Kiln failed while compiling the model '{0}': {1}. This is a bug in Kiln, so please report it with the model.");

    private static DiagnosticDescriptor Error(string id, string title, string message) =>
        new DiagnosticDescriptor(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinkBase + id + ".md");
}
