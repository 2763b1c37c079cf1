using System.Collections.Generic;
using System.Linq;
using Kiln.Compiler.Diagnostics;
using Kiln.Compiler.Graph;

namespace Kiln.Compiler.Passes;

/// <summary>
/// Orders the nodes so that every tensor is produced before it is read, keeping file order where the graph
/// allows it; reports tensors that no node produces, duplicate producers and cycles.
/// </summary>
internal static class TopologicalOrder
{
    public static List<Node> Sort(OnnxGraph graph)
    {
        var producers = new Dictionary<string, Node>();
        foreach (Node node in graph.Nodes)
        {
            foreach (string output in node.Outputs.Where(o => o.Length > 0))
            {
                if (producers.ContainsKey(output) || graph.Initializers.ContainsKey(output))
                {
                    throw new CompilationError(KilnDiagnostics.InvalidModel, graph.FileName, $"the tensor '{output}' is produced twice (again by node '{node.DisplayName}')");
                }

                producers[output] = node;
            }
        }

        var declared = new HashSet<string>(graph.DeclaredInputs.Select(i => i.Name));
        var pending = new Dictionary<Node, int>();
        var readers = new Dictionary<string, List<Node>>();
        foreach (Node node in graph.Nodes)
        {
            int waiting = 0;
            foreach (string input in node.Inputs.Where(i => i.Length > 0).Distinct())
            {
                if (producers.ContainsKey(input))
                {
                    waiting++;
                    if (!readers.TryGetValue(input, out List<Node>? list))
                    {
                        readers[input] = list = new List<Node>();
                    }

                    list.Add(node);
                }
                else if (!graph.Initializers.ContainsKey(input) && !declared.Contains(input))
                {
                    throw new CompilationError(KilnDiagnostics.InvalidModel, graph.FileName,
                        $"node '{node.DisplayName}' ({node.OpType}) reads the tensor '{input}', which no node produces and which is neither an initializer nor a graph input");
                }
            }

            pending[node] = waiting;
        }

        var ready = new SortedSet<int>(graph.Nodes.Where(n => pending[n] == 0).Select(n => n.Index));
        var order = new List<Node>(graph.Nodes.Count);
        while (ready.Count > 0)
        {
            Node node = graph.Nodes[ready.Min];
            ready.Remove(ready.Min);
            order.Add(node);
            foreach (string output in node.Outputs.Where(o => o.Length > 0))
            {
                if (!readers.TryGetValue(output, out List<Node>? list))
                {
                    continue;
                }

                foreach (Node reader in list)
                {
                    if (--pending[reader] == 0)
                    {
                        ready.Add(reader.Index);
                    }
                }
            }
        }

        if (order.Count != graph.Nodes.Count)
        {
            Node stuck = graph.Nodes.First(n => pending[n] > 0);
            throw new CompilationError(KilnDiagnostics.InvalidModel, graph.FileName, $"the graph has a cycle through node '{stuck.DisplayName}' ({stuck.OpType})");
        }

        return order;
    }
}
