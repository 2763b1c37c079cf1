using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Kiln.Compiler.Diagnostics;
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

    /// <summary>The default limit on the tensors' part of the arena: 2 GiB per observation, unless the KilnMaxArenaBytes build property sets another.</summary>
    public const long DefaultMaxBytes = 1L << 31;

    /// <summary>The most any limit may allow: the arena is one float span indexed by int, with aligned offsets.</summary>
    public const long HardMaxBytes = (long)(int.MaxValue / Alignment * Alignment) * sizeof(float);

    /// <param name="steps">The compute steps in order.</param>
    /// <param name="shapes">The shapes of the tensors the steps write.</param>
    /// <param name="maxBytes">The limit on the tensors' part of the arena, in bytes. Planning stops with KLN0018 at the first step past it.</param>
    /// <param name="modelFile">The model's file name, for the diagnostic.</param>
    public static MemoryPlan Plan(IReadOnlyList<Step> steps, ShapeContext shapes, long maxBytes, string modelFile)
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

        // Lengths and offsets are longs, so a plan past the limit is measured correctly before it is rejected.
        var offsets = new Dictionary<string, int>(StringComparer.Ordinal);
        var live = new List<(long Offset, long Length, string Name)>();
        long peak = 0;
        for (int i = 0; i < steps.Count; i++)
        {
            foreach (string output in steps[i].Outputs)
            {
                long length = Align(shapes.Tensor(output).Shape.Aggregate(1L, (product, dim) => product * dim));
                long offset = FirstFit(live, length);
                live.Add((offset, length, output));
                peak = Math.Max(peak, offset + length);
                if (peak * sizeof(float) > maxBytes)
                {
                    throw TooLarge(steps[i], live, peak, maxBytes, modelFile);
                }

                offsets[output] = (int)offset;
            }

            live.RemoveAll(block => !lastUse.TryGetValue(block.Name, out int last) || last <= i);
        }

        return new MemoryPlan(offsets, (int)peak);
    }

    private static CompilationError TooLarge(Step step, List<(long Offset, long Length, string Name)> live, long peak, long maxBytes, string modelFile)
    {
        var largest = live.OrderByDescending(block => block.Length).First();
        string where = $"node '{step.Node.DisplayName}' ({step.Node.OpType}), where the largest live tensor is '{largest.Name}' with {Text(largest.Length * sizeof(float))} bytes";
        return new CompilationError(KilnDiagnostics.ArenaTooLarge, modelFile, Text(peak * sizeof(float)), Text(step.Index), where, Text(maxBytes), Text(HardMaxBytes));
    }

    private static long FirstFit(List<(long Offset, long Length, string Name)> live, long length)
    {
        long candidate = 0;
        foreach ((long offset, long blockLength, _) in live.OrderBy(block => block.Offset))
        {
            if (offset - candidate >= length)
            {
                return candidate;
            }

            candidate = Math.Max(candidate, offset + blockLength);
        }

        return candidate;
    }

    private static long Align(long length) => (length + Alignment - 1) / Alignment * Alignment;

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
}
