using System;
using System.Collections.Generic;
using System.Linq;
using Kiln.Compiler.Operators;

namespace Kiln.Compiler.Plan;

/// <summary>
/// Gives every tensor computed by a step an offset in one arena, reusing the memory of tensors no later
/// step reads. A step's outputs never share memory with its inputs, so kernels need not work in place.
/// Kernel workspace lies past the tensors; its size is settled by the generated code, from the kernels' own rules.
/// </summary>
internal static class MemoryPlanner
{
    /// <summary>Offsets are multiples of this many floats (64 bytes, one cache line).</summary>
    private const int Alignment = 16;

    public static MemoryPlan Plan(IReadOnlyList<Step> steps, ShapeContext shapes)
    {
        // The last step that reads each tensor; a tensor that no step reads (a final output) lives until its own step ends.
        var lastUse = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < steps.Count; i++)
        {
            foreach (string input in steps[i].Inputs)
            {
                lastUse[input] = i;
            }
        }

        var offsets = new Dictionary<string, int>(StringComparer.Ordinal);
        var live = new List<(int Offset, int Length, string Name)>();
        int peak = 0;
        for (int i = 0; i < steps.Count; i++)
        {
            foreach (string output in steps[i].Outputs)
            {
                int length = Align(shapes.Tensor(output).ElementCount);
                int offset = FirstFit(live, length);
                offsets[output] = offset;
                live.Add((offset, length, output));
                peak = Math.Max(peak, offset + length);
            }

            live.RemoveAll(block => !lastUse.TryGetValue(block.Name, out int last) || last <= i);
        }

        return new MemoryPlan(offsets, peak);
    }

    private static int FirstFit(List<(int Offset, int Length, string Name)> live, int length)
    {
        int candidate = 0;
        foreach ((int offset, int blockLength, _) in live.OrderBy(block => block.Offset))
        {
            if (offset - candidate >= length)
            {
                return candidate;
            }

            candidate = Math.Max(candidate, offset + blockLength);
        }

        return candidate;
    }

    private static int Align(int length) => (length + Alignment - 1) / Alignment * Alignment;
}
