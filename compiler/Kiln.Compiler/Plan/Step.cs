using System.Collections.Generic;
using Kiln.Compiler.Graph;
using Kiln.Compiler.Operators;

namespace Kiln.Compiler.Plan;

/// <summary>One compute step of the generated Forward method: a node, its operator, and the arena tensors it reads and writes.</summary>
internal sealed class Step
{
    public Step(int index, Node node, Operator op, List<string> inputs, List<string> outputs)
    {
        Index = index;
        Node = node;
        Operator = op;
        Inputs = inputs;
        Outputs = outputs;
    }

    public int Index { get; }

    public Node Node { get; }

    public Operator Operator { get; }

    /// <summary>Tensors read from the arena (not the graph input, not weights).</summary>
    public List<string> Inputs { get; }

    /// <summary>Tensors written to the arena.</summary>
    public List<string> Outputs { get; }
}
