using System.Runtime.ExceptionServices;

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

        // The pointers stay valid while the pool threads use them, because ProductTeam.Run returns only after
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
            ProductTeam.ForCurrentThread().Run(in job, packBuffer);
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
        bool splitRows, int units, int parts)
    {
        internal int Parts => parts;

        /// <summary>Computes part <paramref name="part"/> of C, packing B into <paramref name="packBuffer"/>.</summary>
        internal void RunPart(int part, Span<float> packBuffer)
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

    /// <summary>
    /// The calling thread's helpers: thread-pool work items, created once per calling thread and reused, so that a
    /// split product allocates nothing once each helper has run.
    /// </summary>
    private sealed class ProductTeam
    {
        [ThreadStatic]
        private static ProductTeam? t_current;

        private Helper[] _helpers = [];
        private ProductJob _job;
        private int _nextPart;
        private Exception? _failure;

        internal static ProductTeam ForCurrentThread() => t_current ??= new ProductTeam();

        /// <summary>
        /// Queues one helper per part beyond the first, computes parts on the calling thread until none is left, and
        /// returns once every part is done. Helpers that have not started by then are cancelled.
        /// </summary>
        internal void Run(in ProductJob job, Span<float> callerPackBuffer)
        {
            int helperCount = job.Parts - 1;
            EnsureHelpers(helperCount);
            _job = job;
            _nextPart = 0;
            _failure = null;
            try
            {
                for (int i = 0; i < helperCount; i++)
                {
                    _helpers[i].Queue();
                }

                RunParts(callerPackBuffer);
            }
            finally
            {
                for (int i = 0; i < helperCount; i++)
                {
                    _helpers[i].WaitOrCancel();
                }

                _job = default;
            }

            if (_failure is { } failure)
            {
                ExceptionDispatchInfo.Throw(failure);
            }
        }

        /// <summary>Claims and computes parts of the current job until every part is claimed.</summary>
        private void RunParts(Span<float> packBuffer)
        {
            int part;
            while ((part = Interlocked.Increment(ref _nextPart) - 1) < _job.Parts)
            {
                _job.RunPart(part, packBuffer);
            }
        }

        private void EnsureHelpers(int count)
        {
            if (_helpers.Length >= count)
            {
                return;
            }

            Helper[] helpers = new Helper[count];
            _helpers.CopyTo(helpers, 0);
            for (int i = _helpers.Length; i < count; i++)
            {
                helpers[i] = new Helper(this);
            }

            _helpers = helpers;
        }

        /// <summary>
        /// A thread-pool work item that computes parts of its team's current job. Its state moves
        /// Idle → Queued → Running → Idle, or Queued → Cancelled → Idle when the caller finished every part before the
        /// pool started it. A cancelled item is still in the pool's queue, so queuing it again only sets it back to Queued.
        /// </summary>
        private sealed class Helper(ProductTeam team) : IThreadPoolWorkItem
        {
            private const int Idle = 0;
            private const int Queued = 1;
            private const int Running = 2;
            private const int Cancelled = 3;

            // One pack buffer per pool thread, large enough for the largest packed block of B.
            [ThreadStatic]
            private static float[]? t_packBuffer;

            private readonly ManualResetEventSlim _done = new(initialState: false);
            private int _state;

            internal void Queue()
            {
                _done.Reset();
                while (true)
                {
                    if (Interlocked.CompareExchange(ref _state, Queued, Cancelled) == Cancelled)
                    {
                        return;
                    }

                    if (Interlocked.CompareExchange(ref _state, Queued, Idle) == Idle)
                    {
                        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
                        return;
                    }
                }
            }

            /// <summary>Cancels the item if the pool has not started it, or waits until it has finished its parts.</summary>
            internal void WaitOrCancel()
            {
                if (Interlocked.CompareExchange(ref _state, Cancelled, Queued) == Queued)
                {
                    return;
                }

                _done.Wait();
            }

            public void Execute()
            {
                while (true)
                {
                    if (Interlocked.CompareExchange(ref _state, Running, Queued) == Queued)
                    {
                        try
                        {
                            team.RunParts(t_packBuffer ??= new float[MaxDepthBlock * MaxColumnBlock]);
                        }
                        catch (Exception exception)
                        {
                            // Thrown again on the calling thread; an exception escaping a pool thread would end the process.
                            Interlocked.CompareExchange(ref team._failure, exception, null);
                        }
                        finally
                        {
                            Volatile.Write(ref _state, Idle);
                            _done.Set();
                        }

                        return;
                    }

                    if (Interlocked.CompareExchange(ref _state, Idle, Cancelled) == Cancelled)
                    {
                        return;
                    }
                }
            }
        }
    }
}
