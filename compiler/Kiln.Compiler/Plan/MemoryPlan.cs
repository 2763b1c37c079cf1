using System.Collections.Generic;

namespace Kiln.Compiler.Plan;

/// <summary>The arena layout: a constant offset for every intermediate tensor, then one shared workspace region.</summary>
internal sealed class MemoryPlan
{
    public MemoryPlan(Dictionary<string, int> offsets, int tensorLength, int workspaceOffset, int arenaLength)
    {
        Offsets = offsets;
        TensorLength = tensorLength;
        WorkspaceOffset = workspaceOffset;
        ArenaLength = arenaLength;
    }

    /// <summary>Offset in floats of each tensor computed by a step.</summary>
    public Dictionary<string, int> Offsets { get; }

    /// <summary>Floats taken by tensors at the busiest step.</summary>
    public int TensorLength { get; }

    public int WorkspaceOffset { get; }

    public int ArenaLength { get; }
}
