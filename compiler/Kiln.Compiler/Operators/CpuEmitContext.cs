using System.Collections.Generic;
using Kiln.Compiler.Emit;
using Kiln.Compiler.Graph;
using Kiln.Compiler.Plan;

namespace Kiln.Compiler.Operators;

/// <summary>
/// What an operator's CPU emitter sees: the writer, the shapes, and the C# expression for every tensor
/// (the graph input, a weight property, or a planned slice of the arena).
/// </summary>
internal sealed class CpuEmitContext
{
    /// <summary>Namespace of the runtime's CPU building blocks, as generated code names it.</summary>
    public const string Kernels = "global::Kiln.Cpu.";

    private readonly MemoryPlan _plan;
    private readonly IReadOnlyDictionary<string, string> _weightNames;
    private readonly string _graphInput;

    public CpuEmitContext(SourceWriter writer, ShapeContext shapes, MemoryPlan plan, IReadOnlyDictionary<string, string> weightNames, string graphInput)
    {
        Writer = writer;
        Shapes = shapes;
        _plan = plan;
        _weightNames = weightNames;
        _graphInput = graphInput;
    }

    public SourceWriter Writer { get; }

    public ShapeContext Shapes { get; }

    /// <summary>A ReadOnlySpan&lt;float&gt; expression for the tensor <paramref name="name"/>.</summary>
    public string Read(string name)
    {
        if (name == _graphInput)
        {
            return "input";
        }

        if (_weightNames.TryGetValue(name, out string? weight))
        {
            return weight;
        }

        return Slice(name);
    }

    public string ReadInput(Node node, int position) => Read(node.Inputs[position]);

    /// <summary>The input's expression, or <c>default</c> (an empty span) when the optional input is absent.</summary>
    public string ReadOptionalInput(Node node, int position)
    {
        string? name = node.OptionalInput(position);
        return name is null ? "default" : Read(name);
    }

    /// <summary>A Span&lt;float&gt; expression for the node's output at <paramref name="position"/>.</summary>
    public string WriteOutput(Node node, int position) => Slice(node.Outputs[position]);

    /// <summary>A Span&lt;float&gt; expression for <paramref name="length"/> floats of scratch memory.</summary>
    public string Workspace(int length) => $"arena.Slice({Literals.Int(_plan.WorkspaceOffset)}, {Literals.Int(length)})";

    private string Slice(string name)
    {
        TensorInfo tensor = Shapes.Tensor(name);
        return $"arena.Slice({Literals.Int(_plan.Offsets[name])}, {Literals.Int(tensor.ElementCount)})";
    }
}
