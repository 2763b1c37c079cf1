using ILGPU;

namespace Kiln.Gpu;

/// <summary>
/// Where one layer lies in each observation's arena: the arenas follow one another, each
/// <see cref="ArenaLength"/> floats, and the layer takes <see cref="Length"/> floats from <see cref="Offset"/>.
/// </summary>
internal readonly record struct LayerSlice(int ArenaLength, int Offset, int Length);

/// <summary>
/// Packs one layer of every observation of a launch into a dense buffer on the device, so that the layer comes back
/// to the host in one copy instead of one copy per observation.
/// </summary>
internal static class LayerGather
{
    /// <summary>
    /// Copies the layer of observation <c>Grid.IdxY</c> to <paramref name="packed"/> at <c>observation × Length</c>;
    /// a kernel with <see cref="GpuProgram.GroupSize"/> threads per group.
    /// </summary>
    public static void Kernel(ArrayView<float> arenas, ArrayView<float> packed, LayerSlice slice)
    {
        long source = ((long)GridStride.Observation * slice.ArenaLength) + slice.Offset;
        long target = (long)GridStride.Observation * slice.Length;
        for (int i = GridStride.Start; i < slice.Length; i += GridStride.Step)
        {
            packed[target + i] = arenas[source + i];
        }
    }
}
