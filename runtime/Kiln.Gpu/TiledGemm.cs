using System.Runtime.CompilerServices;
using ILGPU;

namespace Kiln.Gpu;

/// <summary>
/// A tiled matrix product for GPU kernels. Each thread group computes 64×64 output tiles and stages 64-deep slices
/// of A and B in shared memory (32 KiB). Each of its 64 threads accumulates an 8×8 block of the tile in registers. Convolutions use it as
/// an implicit GEMM: their operands unfold the input on the fly, so no im2col matrix is written to memory.
/// </summary>
public static class TiledGemm
{
    /// <summary>Threads per group.</summary>
    public const int GroupSize = 64;

    /// <summary>Output rows per tile.</summary>
    public const int TileRows = 64;

    /// <summary>Output columns per tile.</summary>
    public const int TileColumns = 64;

    /// <summary>
    /// Depth of the A and B slices staged in shared memory at a time. Deep slices mean few barriers, which matters
    /// most on ILGPU's CPU accelerator, where a barrier of 64 threads costs milliseconds.
    /// </summary>
    public const int TileDepth = 64;

    // Each thread owns an 8×8 block: the 64 threads form an 8×8 grid over the 64×64 tile.
    private const int ThreadBlock = 8;
    private const int ThreadsPerRow = TileColumns / ThreadBlock;
    private const int LoadsPerThread = TileDepth * TileRows / GroupSize;

    /// <summary>Thread groups that give each group one tile, for the launch.</summary>
    public static int Tiles(int batches, int m, int n) =>
        checked(batches * ((m + TileRows - 1) / TileRows) * ((n + TileColumns - 1) / TileColumns));

    /// <summary>
    /// Computes <paramref name="batches"/> independent products of M×K by K×N matrices through
    /// <paramref name="operands"/>. Groups take tiles with a grid stride, so any number of groups is correct.
    /// Call from a kernel launched with <see cref="GroupSize"/> threads per group.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Run<TOperands>(TOperands operands, int batches, int m, int n, int k)
        where TOperands : struct, IGemmOperands
    {
        // Both slices are stored depth-major: element (d, i) at d × 64 + i.
        ArrayView<float> aSlice = SharedMemory.Allocate<float>(TileDepth * TileRows);
        ArrayView<float> bSlice = SharedMemory.Allocate<float>(TileDepth * TileColumns);

        int thread = Group.IdxX;
        int blockRow = thread / ThreadsPerRow * ThreadBlock;
        int blockColumn = thread % ThreadsPerRow * ThreadBlock;
        int tilesM = (m + TileRows - 1) / TileRows;
        int tilesN = (n + TileColumns - 1) / TileColumns;
        int tilesPerBatch = tilesM * tilesN;
        int tiles = batches * tilesPerBatch;

        for (int tile = Grid.IdxX; tile < tiles; tile += Grid.DimX)
        {
            int batch = tile / tilesPerBatch;
            int withinBatch = tile - (batch * tilesPerBatch);
            int rowStart = withinBatch / tilesN * TileRows;
            int columnStart = withinBatch % tilesN * TileColumns;

            // The thread's 8×8 block, one accumulator per row.
            Accumulator8 sums0 = default;
            Accumulator8 sums1 = default;
            Accumulator8 sums2 = default;
            Accumulator8 sums3 = default;
            Accumulator8 sums4 = default;
            Accumulator8 sums5 = default;
            Accumulator8 sums6 = default;
            Accumulator8 sums7 = default;

            for (int depthStart = 0; depthStart < k; depthStart += TileDepth)
            {
                for (int load = 0; load < LoadsPerThread; load++)
                {
                    int element = thread + (load * GroupSize);

                    // Neighboring threads read neighboring k of A (a row of weights) and neighboring columns of B.
                    int aDepth = element % TileDepth;
                    int aRow = element / TileDepth;
                    int row = rowStart + aRow;
                    int aK = depthStart + aDepth;
                    aSlice[(aDepth * TileRows) + aRow] = row < m && aK < k ? operands.LoadA(batch, row, aK) : 0f;

                    int bDepth = element / TileColumns;
                    int bColumn = element % TileColumns;
                    int column = columnStart + bColumn;
                    int bK = depthStart + bDepth;
                    bSlice[(bDepth * TileColumns) + bColumn] = column < n && bK < k ? operands.LoadB(batch, bK, column) : 0f;
                }

                Group.Barrier();

                for (int depth = 0; depth < TileDepth; depth++)
                {
                    int aOffset = (depth * TileRows) + blockRow;
                    Accumulator8 b = Accumulator8.Load(bSlice, (depth * TileColumns) + blockColumn);
                    sums0.MultiplyAdd(aSlice[aOffset], b);
                    sums1.MultiplyAdd(aSlice[aOffset + 1], b);
                    sums2.MultiplyAdd(aSlice[aOffset + 2], b);
                    sums3.MultiplyAdd(aSlice[aOffset + 3], b);
                    sums4.MultiplyAdd(aSlice[aOffset + 4], b);
                    sums5.MultiplyAdd(aSlice[aOffset + 5], b);
                    sums6.MultiplyAdd(aSlice[aOffset + 6], b);
                    sums7.MultiplyAdd(aSlice[aOffset + 7], b);
                }

                // The next slice overwrites shared memory only after every thread has used this one.
                Group.Barrier();
            }

            int firstRow = rowStart + blockRow;
            int firstColumn = columnStart + blockColumn;
            StoreRow(ref operands, batch, firstRow, firstColumn, m, n, sums0);
            StoreRow(ref operands, batch, firstRow + 1, firstColumn, m, n, sums1);
            StoreRow(ref operands, batch, firstRow + 2, firstColumn, m, n, sums2);
            StoreRow(ref operands, batch, firstRow + 3, firstColumn, m, n, sums3);
            StoreRow(ref operands, batch, firstRow + 4, firstColumn, m, n, sums4);
            StoreRow(ref operands, batch, firstRow + 5, firstColumn, m, n, sums5);
            StoreRow(ref operands, batch, firstRow + 6, firstColumn, m, n, sums6);
            StoreRow(ref operands, batch, firstRow + 7, firstColumn, m, n, sums7);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow<TOperands>(ref TOperands operands, int batch, int row, int column, int m, int n, in Accumulator8 sums)
        where TOperands : struct, IGemmOperands
    {
        if (row < m)
        {
            sums.Store(ref operands, batch, row, column, n);
        }
    }
}
