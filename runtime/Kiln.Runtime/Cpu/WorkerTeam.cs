using System.Runtime.ExceptionServices;

namespace Kiln.Cpu;

/// <summary>A job split into parts that threads can compute in any order and at the same time.</summary>
internal interface IPartitionedJob
{
    /// <summary>Floats of scratch memory that one part needs on a thread-pool thread.</summary>
    static abstract int ScratchLength { get; }

    /// <summary>Number of parts, at least 1.</summary>
    int Parts { get; }

    /// <summary>Computes part <paramref name="part"/>, using <paramref name="scratch"/> as scratch memory.</summary>
    void RunPart(int part, Span<float> scratch);
}

/// <summary>
/// The calling thread's helpers for jobs of type <typeparamref name="TJob"/>: thread-pool work items, created once
/// per calling thread and reused, so that a split job allocates nothing once each helper has run.
/// </summary>
internal sealed class WorkerTeam<TJob>
    where TJob : struct, IPartitionedJob
{
    [ThreadStatic]
    private static WorkerTeam<TJob>? t_current;

    private Helper[] _helpers = [];
    private TJob _job;
    private int _nextPart;
    private Exception? _failure;

    internal static WorkerTeam<TJob> ForCurrentThread() => t_current ??= new WorkerTeam<TJob>();

    /// <summary>
    /// Queues one helper per part beyond the first, computes parts on the calling thread until none is left, and
    /// returns once every part is done. Helpers that have not started by then are cancelled.
    /// </summary>
    internal void Run(in TJob job, Span<float> callerScratch)
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

            RunParts(callerScratch);
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
    private void RunParts(Span<float> scratch)
    {
        int part;
        while ((part = Interlocked.Increment(ref _nextPart) - 1) < _job.Parts)
        {
            _job.RunPart(part, scratch);
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
    private sealed class Helper(WorkerTeam<TJob> team) : IThreadPoolWorkItem
    {
        private const int Idle = 0;
        private const int Queued = 1;
        private const int Running = 2;
        private const int Cancelled = 3;

        // One scratch buffer per pool thread and job type.
        [ThreadStatic]
        private static float[]? t_scratch;

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
                        team.RunParts(t_scratch ??= new float[TJob.ScratchLength]);
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
