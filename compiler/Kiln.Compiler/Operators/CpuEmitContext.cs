using System.Collections.Generic;
using System.Linq;
using Kiln.Compiler.Emit;
using Kiln.Compiler.Generate;
using Kiln.Compiler.Graph;
using Kiln.Compiler.Plan;

namespace Kiln.Compiler.Operators;

/// <summary>
/// The state an operator's CPU emitter works with: the writer, the shapes, and the C# expression for every tensor
/// (the graph input, a weight property, or a planned slice of the arena).
/// </summary>
internal sealed class CpuEmitContext
{
    /// <summary>Namespace of the runtime's CPU building blocks, as generated code names it.</summary>
    public const string Kernels = "global::Kiln.Cpu.";

    private readonly MemoryPlan _plan;
    private readonly IReadOnlyDictionary<string, string> _weightNames;
    private readonly Dictionary<string, string> _graphInputs;

    public CpuEmitContext(SourceWriter writer, ShapeContext shapes, MemoryPlan plan, IReadOnlyDictionary<string, string> weightNames, IReadOnlyList<GraphInput> graphInputs)
    {
        Writer = writer;
        Shapes = shapes;
        _plan = plan;
        _weightNames = weightNames;
        // A single input is the whole packed input; several are slices of it, one after another.
        _graphInputs = graphInputs.ToDictionary(
            input => input.Name,
            input => graphInputs.Count == 1 ? "input" : $"input.Slice({Literals.Int(input.Offset)}, {Literals.Int(input.Length)})");
    }

    public SourceWriter Writer { get; }

    public ShapeContext Shapes { get; }

    /// <summary>A ReadOnlySpan&lt;float&gt; expression for the tensor <paramref name="name"/>.</summary>
    public string Read(string name)
    {
        if (_graphInputs.TryGetValue(name, out string? graphInput))
        {
            return graphInput;
        }

        if (_weightNames.TryGetValue(name, out string? weight))
        {
            return weight;
        }

        if (!_plan.Offsets.ContainsKey(name) && Shapes.Tensor(name).IntegerValues is long[] values)
        {
            return ConstantValues(name, values);
        }

        return Slice(name);
    }

    /// <summary>
    /// A static array holding a constant integer or bool tensor as floats, the form every tensor has at run time,
    /// for the steps that read it as data (Gather's indices, Where's condition, an integer Clip bound).
    /// </summary>
    public string ConstantValues(string name, long[] values)
    {
        if (!_constants.TryGetValue(name, out string? property))
        {
            // A span over constant data: the compiler stores the values in the assembly, and nothing is allocated.
            property = UniqueStaticName(name + "Values");
            StaticFields.Add($"private static global::System.ReadOnlySpan<float> {property} => [{string.Join(", ", values.Select(value => Literals.Float(value)))}];");
            _constants[name] = property;
        }

        return property;
    }

    private readonly Dictionary<string, string> _constants = new Dictionary<string, string>();

    public string ReadInput(Node node, int position) => Read(node.Inputs[position]);

    /// <summary>The node's input from element <paramref name="offset"/> on.</summary>
    public string ReadInput(Node node, int position, int offset)
    {
        string name = node.Inputs[position];
        if (offset == 0)
        {
            return Read(name);
        }

        return _plan.Offsets.TryGetValue(name, out int start)
            ? $"arena.Slice({Literals.Int(start + offset)}, {Literals.Int(Shapes.Tensor(name).ElementCount - offset)})"
            : $"{Read(name)}.Slice({Literals.Int(offset)})";
    }

    /// <summary>The input's expression, or <c>default</c> (an empty span) when the optional input is absent.</summary>
    public string ReadOptionalInput(Node node, int position)
    {
        string? name = node.OptionalInput(position);
        return name is null ? "default" : Read(name);
    }

    /// <summary>A Span&lt;float&gt; expression for the node's output at <paramref name="position"/>.</summary>
    public string WriteOutput(Node node, int position) => Slice(node.Outputs[position]);

    /// <summary>The node's output from element <paramref name="offset"/> on.</summary>
    public string WriteOutput(Node node, int position, int offset)
    {
        string name = node.Outputs[position];
        return $"arena.Slice({Literals.Int(_plan.Offsets[name] + offset)}, {Literals.Int(Shapes.Tensor(name).ElementCount - offset)})";
    }

    /// <summary>A Span&lt;float&gt; expression for <paramref name="length"/> floats of scratch memory.</summary>
    /// <summary>
    /// A Span&lt;float&gt; expression for the workspace: the arena past the tensors. <paramref name="lengthExpression"/>
    /// is the C# expression, evaluated once when the class is initialized, for the floats this step needs there,
    /// so each kernel keeps the rule for its own workspace.
    /// </summary>
    public string Workspace(string lengthExpression)
    {
        WorkspaceLengths.Add(lengthExpression);
        return $"arena.Slice({Literals.Int(_plan.WorkspaceOffset)})";
    }

    /// <summary>Expressions for the workspace each step needs; the arena is sized for the largest.</summary>
    public List<string> WorkspaceLengths { get; } = new List<string>();

    /// <summary>Static fields the emitted steps refer to (kernel geometries), as declarations.</summary>
    public List<string> StaticFields { get; } = new List<string>();

    /// <summary>Declares a static readonly field for a step's constant argument and returns its name.</summary>
    public string DeclareStatic(string type, string name, string initializer)
    {
        string field = UniqueStaticName(name);
        StaticFields.Add($"private static readonly {type} {field} = {initializer};");
        return field;
    }

    private string UniqueStaticName(string name)
    {
        string identifier = Literals.Identifier(name);
        string candidate = identifier;
        for (int suffix = 2; _staticNames.Contains(candidate); suffix++)
        {
            candidate = identifier + "_" + Literals.Int(suffix);
        }

        _staticNames.Add(candidate);
        return candidate;
    }

    private readonly HashSet<string> _staticNames = new HashSet<string>();

    private string Slice(string name)
    {
        TensorInfo tensor = Shapes.Tensor(name);
        return $"arena.Slice({Literals.Int(_plan.Offsets[name])}, {Literals.Int(tensor.ElementCount)})";
    }
}
