namespace Kiln.Cpu;

internal static partial class MatrixMultiply
{
    /// <summary>
    /// Smallest product, in multiply-adds (m·n·k), that is split across threads. About 2 million multiply-adds take
    /// some 50 µs on one AVX2 core, against a few microseconds to wake a thread-pool thread. Both are estimates, and
    /// the break-even was not measured.
    /// </summary>
    internal const long MinParallelWork = 1L << 21;

    /// <summary>
    /// Computes the same product as <see cref="Multiply"/>, split into at most <paramref name="degree"/> parts that the
    /// calling thread and thread-pool threads compute at the same time.
    /// </summary>
    /// <remarks>
    /// The parts are whole 6-row tiles or whole 16-column strips of C, along whichever dimension has more of them.
    /// So every element is computed by the same micro-kernel over the same depth blocks as without the split, and the
    /// result is bit-identical to the serial product. The calling thread packs into <paramref name="packBuffer"/>, and
    /// each pool thread packs into a buffer of its own that it allocates on its first part and keeps.
    /// </remarks>
    internal static unsafe void MultiplyInParallel(
        ReadOnlySpan<float> a, int aRowStride, int aColumnStride,
        ReadOnlySpan<float> b, int bRowStride, int bColumnStride,
        Span<float> c, int ldc,
        int m, int n, int k,
        ReadOnlySpan<float> rowBias, bool accumulate, Span<float> packBuffer, int degree)
    {
        CheckOperands(a, aRowStride, aColumnStride, b, bRowStride, bColumnStride, c, ldc, m, n, k, rowBias);
        int rowTiles = (m + RowTile - 1) / RowTile;
        int strips = (n + StripWidth - 1) / StripWidth;
        bool splitRows = rowTiles >= strips;
        int units = splitRows ? rowTiles : strips;
        int parts = Math.Min(degree, units);
        if (parts < 2 || k == 0)
        {
            MultiplyOnThisThread(a, aRowStride, aColumnStride, b, bRowStride, bColumnStride, c, ldc, m, n, k, rowBias, accumulate, packBuffer);
            return;
        }

        // The pointers stay valid while the pool threads use them, because WorkerTeam.Run returns only after
        // every part is done.
        fixed (float* aPointer = a, bPointer = b, cPointer = c, biasPointer = rowBias)
        {
            var job = new ProductJob(
                aPointer, a.Length, aRowStride, aColumnStride,
                bPointer, b.Length, bRowStride, bColumnStride,
                cPointer, c.Length, ldc,
                m, n, k,
                biasPointer, rowBias.Length, accumulate,
                splitRows, units, parts);
            WorkerTeam<ProductJob>.ForCurrentThread().Run(in job, packBuffer);
        }
    }

    /// <summary>Computes the product on the calling thread with the fastest micro-kernels this machine has.</summary>
    private static void MultiplyOnThisThread(
        ReadOnlySpan<float> a, int aRowStride, int aColumnStride,
        ReadOnlySpan<float> b, int bRowStride, int bColumnStride,
        Span<float> c, int ldc,
        int m, int n, int k,
        ReadOnlySpan<float> rowBias, bool accumulate, Span<float> packBuffer)
    {
        if (UsesVector256)
        {
            Multiply<Vector256Kernels>(a, aRowStride, aColumnStride, b, bRowStride, bColumnStride, c, ldc, m, n, k, rowBias, accumulate, packBuffer);
        }
        else
        {
            Multiply<PortableKernels>(a, aRowStride, aColumnStride, b, bRowStride, bColumnStride, c, ldc, m, n, k, rowBias, accumulate, packBuffer);
        }
    }

    /// <summary>
    /// One product split into <see cref="Parts"/> parts of whole 6-row tiles or whole 16-column strips. The operands
    /// are pinned by the thread that created the job.
    /// </summary>
    private readonly unsafe struct ProductJob(
        float* a, int aLength, int aRowStride, int aColumnStride,
        float* b, int bLength, int bRowStride, int bColumnStride,
        float* c, int cLength, int ldc,
        int m, int n, int k,
        float* bias, int biasLength, bool accumulate,
        bool splitRows, int units, int parts) : IPartitionedJob
    {
        /// <summary>Floats of B that a pool thread packs at a time: the largest depth block by the largest column block.</summary>
        public static int ScratchLength => MaxDepthBlock * MaxColumnBlock;

        public int Parts => parts;

        /// <summary>Computes part <paramref name="part"/> of C, packing B into <paramref name="packBuffer"/>.</summary>
        public void RunPart(int part, Span<float> packBuffer)
        {
            int firstUnit = (int)((long)part * units / parts);
            int endUnit = (int)((long)(part + 1) * units / parts);
            var aSpan = new ReadOnlySpan<float>(a, aLength);
            var bSpan = new ReadOnlySpan<float>(b, bLength);
            var cSpan = new Span<float>(c, cLength);
            var biasSpan = new ReadOnlySpan<float>(bias, biasLength);
            if (splitRows)
            {
                int firstRow = firstUnit * RowTile;
                int rows = Math.Min(m, endUnit * RowTile) - firstRow;
                MultiplyOnThisThread(
                    aSpan[(firstRow * aRowStride)..], aRowStride, aColumnStride,
                    bSpan, bRowStride, bColumnStride,
                    cSpan[(firstRow * ldc)..], ldc,
                    rows, n, k,
                    biasSpan.IsEmpty ? default : biasSpan.Slice(firstRow, rows), accumulate, packBuffer);
            }
            else
            {
                int firstColumn = firstUnit * StripWidth;
                int columns = Math.Min(n, endUnit * StripWidth) - firstColumn;
                MultiplyOnThisThread(
                    aSpan, aRowStride, aColumnStride,
                    bSpan[(firstColumn * bColumnStride)..], bRowStride, bColumnStride,
                    cSpan[firstColumn..], ldc,
                    m, columns, k,
                    biasSpan, accumulate, packBuffer);
            }
        }
    }
}
