using System.Collections.Generic;

namespace Kiln.Compiler.Plan;

/// <summary>The arena layout: a constant offset for every intermediate tensor; kernel workspace follows the tensors.</summary>
internal sealed class MemoryPlan
{
    public MemoryPlan(Dictionary<string, int> offsets, int tensorLength)
    {
        Offsets = offsets;
        TensorLength = tensorLength;
    }

    /// <summary>Offset in floats of each tensor computed by a step.</summary>
    public Dictionary<string, int> Offsets { get; }

    /// <summary>Floats taken by tensors at the busiest step, a multiple of 16.</summary>
    public int TensorLength { get; }

    /// <summary>Where kernel workspace starts.</summary>
    public int WorkspaceOffset => TensorLength;
}
