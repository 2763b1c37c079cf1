using Microsoft.CodeAnalysis;

namespace Kiln.Compiler.Diagnostics;

/// <summary>Every diagnostic Kiln reports, in one place. Messages name the model file and the node, and state what would be accepted.</summary>
internal static class KilnDiagnostics
{
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
        "Node '{0}' of the model '{1}' uses the operator {2} at opset {3}, which Kiln does not compile. Supported operators: {4}.");

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
        "Input '{0}' of the model '{1}' has the symbolic dimension '{2}' at axis {3}. Kiln compiles fixed shapes and binds only a leading batch dimension (to one observation), so export the model with this dimension fixed.");

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
        "The model '{0}' {1}, but Kiln compiles networks whose graph inputs are float32 tensors, at least one of which the target layer reads.");

    public static readonly DiagnosticDescriptor NestedClass = Error(
        "KLN0012",
        "Network class must not be nested or generic",
        "The class {0} carries [OnnxNetwork] but {1}. Declare it as a non-generic class directly in a namespace.");

    public static readonly DiagnosticDescriptor ExternalDataOutsideModel = Error(
        "KLN0013",
        "External data outside the model's folder",
        "The initializer '{1}' of the model '{0}' names the external data file '{2}', which is absolute, contains '..' or lies outside the model's folder. Kiln reads external data only from files beside the model or below its folder, so a model cannot read other files of the build.");

    public static readonly DiagnosticDescriptor GpuUnsupportedNode = Error(
        "KLN0021",
        "Node not compiled by the GPU backend",
        "Node '{0}' ({1}) of the model '{2}' cannot run on the GPU: {3}. Kiln generates GPU kernels because the project references Kiln.Gpu; set GpuKernels = false on [OnnxNetwork] for {4} (or GpuKernels=\"false\" on its AdditionalFiles item) to compile it for the CPU only. The GPU backend compiles: {5}.");

    public static readonly DiagnosticDescriptor InternalError = Error(
        "KLN9999",
        "Kiln failed unexpectedly",
        "Kiln failed while compiling the model '{0}': {1}. This is a bug in Kiln, so please report it with the model.");

    private static DiagnosticDescriptor Error(string id, string title, string message) =>
        new DiagnosticDescriptor(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true);
}
