using System.Collections.Generic;
using System.Linq;
using Kiln.Compiler.Graph;

namespace Kiln.Compiler.Passes;

/// <summary>Keeps only the nodes that the target tensors depend on, in their topological order.</summary>
internal static class Pruning
{
    public static List<Node> Prune(List<Node> ordered, IEnumerable<string> targets)
    {
        var producers = new Dictionary<string, Node>();
        foreach (Node node in ordered)
        {
            foreach (string output in node.Outputs.Where(o => o.Length > 0))
            {
                producers[output] = node;
            }
        }

        var needed = new HashSet<Node>();
        var stack = new Stack<string>(targets);
        while (stack.Count > 0)
        {
            if (!producers.TryGetValue(stack.Pop(), out Node? node) || !needed.Add(node))
            {
                continue;
            }

            foreach (string input in node.Inputs.Where(i => i.Length > 0))
            {
                stack.Push(input);
            }
        }

        return ordered.Where(needed.Contains).ToList();
    }
}
