namespace Kiln;

/// <summary>
/// Compiles an ONNX model into the partial class it marks. The model file must also be listed as an
/// <c>AdditionalFiles</c> item of the project; Kiln's build targets embed it as a resource so that the
/// generated code reads its weights in place.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class OnnxNetworkAttribute : Attribute
{
    /// <summary>Marks a class as the compiled form of the model at <paramref name="modelPath"/>.</summary>
    /// <param name="modelPath">The model's path as listed in AdditionalFiles, or its file name when that is unique.</param>
    public OnnxNetworkAttribute(string modelPath)
    {
        ModelPath = modelPath;
    }

    /// <summary>The model's path as listed in AdditionalFiles, or its file name when that is unique.</summary>
    public string ModelPath { get; }

    /// <summary>
    /// The last layer to compile: a node name, an output name, or <c>node/output</c> for one output of a
    /// multi-output node. Layers that the target does not depend on are not compiled. Default: the model's outputs.
    /// </summary>
    public string? TargetLayer { get; set; }

    /// <summary>
    /// Values for symbolic dimensions of the graph inputs, as <c>name=value</c> pairs separated by commas, for example
    /// <c>"S=28"</c> for a sequence length. Kiln compiles fixed shapes: the batch dimension becomes one observation,
    /// and every other symbolic dimension needs a value here. Default: none.
    /// </summary>
    public string? Dimensions { get; set; }

    /// <summary>
    /// Whether to generate GPU kernels for this network when the project references Kiln.Gpu. Set it to false to
    /// compile the network for the CPU only, for example when it uses an operator the GPU backend does not compile
    /// (diagnostic KLN0021). Projects without Kiln.Gpu never get GPU kernels. Default: true.
    /// </summary>
    public bool GpuKernels { get; set; } = true;
}
