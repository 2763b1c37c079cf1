using ILGPU;

namespace Kiln.Gpu;

/// <summary>
/// One kernel launch of a compute step: the generated kernel and the number of thread groups that gives every group
/// one unit of work (a tile or <see cref="GpuProgram.GroupSize"/> elements). Kernels loop over their work with a grid
/// stride, so the runner may launch fewer groups than that, as it does on ILGPU's CPU accelerator.
/// </summary>
/// <param name="Kernel">A static kernel method taking the observation arenas, the weights and the packed inputs.</param>
/// <param name="Groups">
/// Thread groups for one unit of work each along the grid's X axis: per observation, or, when
/// <paramref name="SpansObservations"/>, per <see cref="TiledGemm.TileRows"/> observations.
/// </param>
/// <param name="SpansObservations">
/// Whether one launch computes all observations, as a product whose rows are the observations, instead of one
/// observation per grid row. The kernel then finds the observation count from the length of the arena view.
/// </param>
public sealed record GpuLaunch(Action<ArrayView<float>, ArrayView<float>, ArrayView<float>> Kernel, int Groups, bool SpansObservations = false);
