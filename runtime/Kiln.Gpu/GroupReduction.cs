using System.Runtime.CompilerServices;
using ILGPU;

namespace Kiln.Gpu;

/// <summary>
/// Reductions across the threads of one group, for kernels that give each group one row of a normalization. Every
/// thread of the group must call them, the same number of times, and the group must have
/// <see cref="GpuProgram.GroupSize"/> threads. Callable from kernels only.
/// </summary>
public static class GroupReduction
{
    /// <summary>Returns the sum of <paramref name="value"/> over the group's threads, to every thread.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(float value)
    {
        ArrayView<float> partial = SharedMemory.Allocate<float>(GpuProgram.GroupSize);
        int thread = Group.IdxX;
        partial[thread] = value;
        Group.Barrier();

        // A tree: each round adds the upper half of the remaining partial sums onto the lower half.
        for (int width = GpuProgram.GroupSize / 2; width > 0; width /= 2)
        {
            if (thread < width)
            {
                partial[thread] += partial[thread + width];
            }

            Group.Barrier();
        }

        float total = partial[0];

        // A later call writes the same shared memory, so every thread must have read the total first.
        Group.Barrier();
        return total;
    }
}
