namespace Kiln.Compiler.Operators;

/// <summary>
/// One ONNX operator as Kiln compiles it: the opset range it implements, its shape rule, its CPU emitter and, for
/// the operators the GPU backend covers, its GPU emitter.
/// Each operator family lives in its own file; <see cref="OperatorRegistry"/> lists them all.
/// </summary>
internal abstract class Operator
{
    protected Operator(string opType, int firstOpset, int lastOpset)
    {
        OpType = opType;
        FirstOpset = firstOpset;
        LastOpset = lastOpset;
    }

    public string OpType { get; }

    /// <summary>The lowest opset version whose semantics this implementation follows.</summary>
    public int FirstOpset { get; }

    /// <summary>The highest opset version this implementation has been checked against.</summary>
    public int LastOpset { get; }

    /// <summary>
    /// True for nodes that only forward their input (Identity, inference-mode Dropout): no code, the output names the
    /// input's values. Called once the node's shapes are inferred.
    /// </summary>
    public virtual bool IsAlias(Graph.Node node, ShapeContext context) => false;

    /// <summary>True for operators whose output is known at build time (Constant): no code, the output becomes an initializer.</summary>
    public virtual bool IsConstant => false;

    /// <summary>Checks the node's attributes and inputs and sets the type and static shape of each output.</summary>
    public abstract void InferShapes(Graph.Node node, ShapeContext context);

    /// <summary>Writes the C# statements that compute the node's outputs.</summary>
    public abstract void EmitCpu(Graph.Node node, CpuEmitContext context);

    /// <summary>
    /// True when <see cref="EmitGpu"/> writes ILGPU kernels for this operator. Networks with GPU kernels that use an
    /// operator without them get diagnostic KLN0021.
    /// </summary>
    public virtual bool HasGpuKernels => false;

    /// <summary>
    /// Writes the ILGPU kernels that compute the node's outputs. Throws the error from
    /// <see cref="GpuEmitContext.Unsupported"/> for a node that the kernels do not cover.
    /// </summary>
    public virtual void EmitGpu(Graph.Node node, GpuEmitContext context) =>
        throw context.Unsupported(node, $"the GPU backend has no kernel for {OpType} yet");

    /// <summary>
    /// Floats of kernel workspace that <see cref="EmitGpu"/> needs in each observation's arena past the planned tensors
    /// (see <see cref="GpuEmitContext.Workspace"/>); 0 for most operators.
    /// </summary>
    public virtual int GpuWorkspaceLength(Graph.Node node, ShapeContext context) => 0;

    /// <summary>
    /// The floats that <see cref="EmitGpu"/> reads through <see cref="GpuEmitContext.ReadComputedWeight"/>, computed
    /// on the host when the network is created; none for most operators.
    /// </summary>
    public virtual System.Collections.Generic.IReadOnlyList<GpuComputedWeight> GpuComputedWeights(Graph.Node node, ShapeContext context) =>
        System.Array.Empty<GpuComputedWeight>();

    /// <summary>The attributes that matter, for the comment above the emitted code; empty when there are none.</summary>
    public virtual string DescribeAttributes(Graph.Node node, ShapeContext context) => string.Empty;
}
