using System.Runtime.CompilerServices;
using ILGPU;

namespace Kiln.Gpu;

/// <summary>
/// The loop bounds of a grid-stride loop along the grid's X axis, for kernels that process more elements than
/// threads: start at <see cref="Start"/> and advance by <see cref="Step"/>. Callable from kernels only.
/// </summary>
public static class GridStride
{
    /// <summary>The first element of the calling thread.</summary>
    public static int Start
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => (Grid.IdxX * Group.DimX) + Group.IdxX;
    }

    /// <summary>Threads along the grid's X axis, the distance between a thread's elements.</summary>
    public static int Step
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Grid.DimX * Group.DimX;
    }

    /// <summary>The observation a thread computes: the grid's Y index.</summary>
    public static int Observation
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Grid.IdxY;
    }
}
