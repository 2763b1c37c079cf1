using System;
using System.Collections.Generic;
using System.Linq;
using Kiln.Compiler.Diagnostics;
using Kiln.Compiler.Emit;
using Kiln.Compiler.Generate;
using Kiln.Compiler.Graph;
using Kiln.Compiler.Plan;

namespace Kiln.Compiler.Operators;

/// <summary>
/// The state an operator's GPU emitter works with: the writer of the kernel methods, the shapes, the launches of the
/// step being emitted, and the ILGPU view of every tensor. A view is a planned slice of the observation's arena, a
/// slice of the packed weights, or the graph input.
/// </summary>
/// <remarks>
/// Every kernel has the parameters (arena, weights, input) and runs with <c>Kiln.Gpu.GpuProgram.GroupSize</c> threads
/// per group; the grid's Y index is the observation, whose arena starts at the offset the kernel preamble computes.
/// </remarks>
internal sealed class GpuEmitContext
{
    /// <summary>Namespace of the GPU runtime, as generated code names it.</summary>
    public const string Runtime = "global::Kiln.Gpu.";

    /// <summary>The ILGPU view type of every kernel parameter.</summary>
    public const string View = "global::ILGPU.ArrayView<float>";

    private readonly MemoryPlan _plan;
    private readonly Dictionary<string, int> _weightOffsets;
    private readonly Dictionary<string, int> _inputOffsets;
    private readonly string _className;
    private readonly string _modelFile;
    private readonly int _arenaLength;
    private readonly int _inputLength;
    private readonly HashSet<string> _kernelNames = new HashSet<string>(StringComparer.Ordinal);
    private int _step;

    public GpuEmitContext(SourceWriter writer, ShapeContext shapes, MemoryPlan plan, Dictionary<string, int> weightOffsets, IReadOnlyList<GraphInput> graphInputs, string className, string modelFile)
    {
        Writer = writer;
        Shapes = shapes;
        _plan = plan;
        _weightOffsets = weightOffsets;
        _inputOffsets = graphInputs.ToDictionary(input => input.Name, input => input.Offset);
        _inputLength = graphInputs.Sum(input => input.Length);
        _className = className;
        _modelFile = modelFile;
        _arenaLength = plan.TensorLength;
    }

    public SourceWriter Writer { get; }

    public ShapeContext Shapes { get; }

    /// <summary>The launches of each step: kernel method name, the C# expression for its thread groups, and whether it spans the observations.</summary>
    public List<List<(string Kernel, string Groups, bool SpansObservations)>> Launches { get; } = new List<List<(string Kernel, string Groups, bool SpansObservations)>>();

    /// <summary>Starts the launches of compute step <paramref name="step"/>.</summary>
    public void BeginStep(int step)
    {
        _step = step;
        Launches.Add(new List<(string Kernel, string Groups, bool SpansObservations)>());
    }

    /// <summary>
    /// Writes the header and preamble of a kernel of the current step and adds its launch; the body follows until the
    /// returned block is disposed. <paramref name="groups"/> is the C# expression for the launch's thread groups.
    /// A kernel that <paramref name="spansObservations"/> computes all observations of a launch at once, and its
    /// preamble counts them into <c>observations</c> instead of locating one observation.
    /// </summary>
    public SourceWriter.Block Kernel(Node node, string purpose, string groups, bool spansObservations = false)
    {
        string name = Literals.Identifier($"Step{_step}_{node.DisplayName}_{purpose}");
        for (int suffix = 2; !_kernelNames.Add(name); suffix++)
        {
            name = Literals.Identifier($"Step{_step}_{node.DisplayName}_{purpose}_{suffix}");
        }

        Launches[Launches.Count - 1].Add((name, groups, spansObservations));
        SourceWriter.Block block = Writer.Open($"private static void {name}({View} arena, {View} weights, {View} input)");
        if (spansObservations)
        {
            Writer.Line($"int observations = (int)(arena.Length / {Literals.Int(_arenaLength)}L);");
            return block;
        }

        Writer.Line($"long arenaStart = {Runtime}GridStride.Observation * {Literals.Int(_arenaLength)}L;");
        return block;
    }

    /// <summary>The thread groups of an element-wise launch over <paramref name="elements"/> elements.</summary>
    public static string GroupsFor(int elements) => $"{Runtime}GpuProgram.GroupsFor({Literals.Int(elements)})";

    /// <summary>An ILGPU view expression of the tensor <paramref name="name"/>, valid inside a kernel.</summary>
    public string Read(Node node, string name)
    {
        int length = Shapes.Tensor(name).ElementCount;
        if (_inputOffsets.TryGetValue(name, out int inputOffset))
        {
            // Only the first steps read the graph input, so its start is computed here rather than in every preamble.
            return $"input.SubView(({Runtime}GridStride.Observation * {Literals.Int(_inputLength)}L) + {Literals.Int(inputOffset)}, {Literals.Int(length)})";
        }

        if (_weightOffsets.TryGetValue(name, out int weightOffset))
        {
            return $"weights.SubView({Literals.Int(weightOffset)}, {Literals.Int(length)})";
        }

        if (_plan.Offsets.TryGetValue(name, out int arenaOffset))
        {
            return $"arena.SubView(arenaStart + {Literals.Int(arenaOffset)}, {Literals.Int(length)})";
        }

        throw Unsupported(node, $"its input '{name}' is neither a float weight nor a computed tensor");
    }

    /// <summary>
    /// For a kernel that spans the observations: a view of the tensor <paramref name="name"/> in the first observation,
    /// reaching to the end of the arena or input, and the floats between its copies in consecutive observations (0 for
    /// a weight, which all observations share).
    /// </summary>
    public (string View, int RowStride) ReadRows(Node node, string name)
    {
        if (_inputOffsets.TryGetValue(name, out int inputOffset))
        {
            return ($"input.SubView({Literals.Int(inputOffset)})", _inputLength);
        }

        if (_weightOffsets.TryGetValue(name, out int weightOffset))
        {
            return ($"weights.SubView({Literals.Int(weightOffset)}, {Literals.Int(Shapes.Tensor(name).ElementCount)})", 0);
        }

        if (_plan.Offsets.TryGetValue(name, out int arenaOffset))
        {
            return ($"arena.SubView({Literals.Int(arenaOffset)})", _arenaLength);
        }

        throw Unsupported(node, $"its input '{name}' is neither a float weight nor a computed tensor");
    }

    public string ReadInput(Node node, int position) => Read(node, node.Inputs[position]);

    public string WriteOutput(Node node, int position) => Read(node, node.Outputs[position]);

    /// <summary>
    /// Writes a kernel that computes <paramref name="count"/> output elements with one grid-stride loop:
    /// <paramref name="views"/> declares the views the loop body reads, and <paramref name="body"/> writes the body,
    /// whose element index is <c>i</c>.
    /// </summary>
    public void ElementwiseKernel(Node node, string purpose, int count, IEnumerable<(string Local, string View)> views, Action body)
    {
        if (count == 0)
        {
            throw Unsupported(node, "its tensors have no elements, and the GPU kernels launch at least one thread");
        }

        using (Kernel(node, purpose, GroupsFor(count)))
        {
            foreach ((string local, string view) in views)
            {
                Writer.Line($"{View} {local} = {view};");
            }

            using (Writer.Open($"for (int i = {Runtime}GridStride.Start; i < {Literals.Int(count)}; i += {Runtime}GridStride.Step)"))
            {
                body();
            }
        }
    }

    /// <summary>The KLN0021 error for a node the GPU kernels do not cover, saying <paramref name="reason"/>.</summary>
    public CompilationError Unsupported(Node node, string reason) =>
        new CompilationError(KilnDiagnostics.GpuUnsupportedNode, node.DisplayName, node.OpType, _modelFile, reason, _className);

    /// <summary>
    /// Creates a context whose observation arenas hold, past the planned tensors, <paramref name="workspaceLength"/>
    /// floats of kernel workspace, the most that any step's <see cref="Operator.GpuWorkspaceLength"/> requests.
    /// </summary>
    public GpuEmitContext(SourceWriter writer, ShapeContext shapes, MemoryPlan plan, Dictionary<string, int> weightOffsets, IReadOnlyList<GraphInput> graphInputs, string className, string modelFile, int workspaceLength)
        : this(writer, shapes, plan, weightOffsets, graphInputs, className, modelFile)
    {
        WorkspaceLength = workspaceLength;
        _arenaLength = checked(plan.TensorLength + workspaceLength);
    }

    /// <summary>Floats of kernel workspace in each observation's arena, past the planned tensors.</summary>
    public int WorkspaceLength { get; }

    /// <summary>
    /// An ILGPU view expression of floats <paramref name="offset"/> to <paramref name="offset"/> + <paramref name="length"/>
    /// of the observation's kernel workspace, valid inside a kernel that does not span observations. Steps run one
    /// after another, so every step may use the whole workspace, and no value in it lasts from one step to the next.
    /// </summary>
    public string Workspace(int offset, int length)
    {
        if (offset < 0 || length < 0 || (long)offset + length > WorkspaceLength)
        {
            throw new InvalidOperationException($"Workspace floats {offset} to {(long)offset + length} lie outside the {WorkspaceLength}-float workspace that the operators requested.");
        }

        return $"arena.SubView(arenaStart + {Literals.Int((long)_plan.TensorLength + offset)}, {Literals.Int(length)})";
    }

    /// <summary>An ILGPU view expression of the computed weight <paramref name="key"/> (see <see cref="Operator.GpuComputedWeights"/>).</summary>
    public string ReadComputedWeight(string key, int length)
    {
        if (!_weightOffsets.TryGetValue(key, out int offset))
        {
            throw new InvalidOperationException($"No computed weight '{key}' was placed; the operator must list it in GpuComputedWeights.");
        }

        return $"weights.SubView({Literals.Int(offset)}, {Literals.Int(length)})";
    }

    /// <summary>
    /// Writes what <see cref="ElementwiseKernel"/> writes, except for a step whose output has no elements: that step
    /// has nothing to compute, so it gets a comment and no kernel or launch.
    /// </summary>
    public void ElementwiseKernelUnlessEmpty(Node node, string purpose, int count, IEnumerable<(string Local, string View)> views, Action body)
    {
        if (count == 0)
        {
            Writer.Comment("The output has no elements, so this step launches no kernel.");
            return;
        }

        ElementwiseKernel(node, purpose, count, views, body);
    }
}
