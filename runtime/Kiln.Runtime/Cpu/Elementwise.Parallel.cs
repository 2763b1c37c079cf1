using System.Runtime.Intrinsics;

namespace Kiln.Cpu;

public static partial class Elementwise
{
    /// <summary>
    /// Smallest element count that <see cref="Unary{TOperator}"/> and <see cref="Binary{TOperator}"/> split across
    /// threads. 64 Ki floats take some 10 µs on one core, against a few microseconds to wake a thread-pool thread
    /// (estimates, not a measured break-even).
    /// </summary>
    internal const int MinParallelLength = 1 << 16;

    /// <summary>Returns the parts to split <paramref name="length"/> elements into: 1 to stay on the calling thread.</summary>
    private static int ParallelParts(int length)
    {
        int degree = IntraOpParallelism.CurrentDegree;
        return degree > 1 && length >= MinParallelLength ? degree : 1;
    }

    /// <summary>Computes <see cref="Unary{TOperator}"/> in <paramref name="parts"/> parts on the calling thread and pool threads.</summary>
    internal static unsafe void UnaryInParallel<TOperator>(ReadOnlySpan<float> x, Span<float> y, int parts)
        where TOperator : IUnaryOperator
    {
        // The pointers stay valid while the pool threads use them, because WorkerTeam.Run returns only after every part is done.
        fixed (float* xPointer = x, yPointer = y)
        {
            var job = new UnaryJob<TOperator>(xPointer, yPointer, x.Length, parts);
            WorkerTeam<UnaryJob<TOperator>>.ForCurrentThread().Run(in job, callerScratch: default);
        }
    }

    /// <summary>Computes <see cref="Binary{TOperator}"/> in <paramref name="parts"/> parts on the calling thread and pool threads.</summary>
    internal static unsafe void BinaryInParallel<TOperator>(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y, int parts)
        where TOperator : IBinaryOperator
    {
        fixed (float* aPointer = a, bPointer = b, yPointer = y)
        {
            var job = new BinaryJob<TOperator>(aPointer, bPointer, yPointer, y.Length, parts);
            WorkerTeam<BinaryJob<TOperator>>.ForCurrentThread().Run(in job, callerScratch: default);
        }
    }

    /// <summary>
    /// Returns the elements of part <paramref name="part"/>: whole Vector256 blocks, so that each element goes through
    /// the same vector or scalar code as without the split, and the tail after the last block stays in the last part.
    /// </summary>
    private static (int Start, int Length) PartRange(int length, int part, int parts)
    {
        int blockLength = Vector256<float>.Count;
        int blocks = length / blockLength;
        int start = (int)((long)part * blocks / parts) * blockLength;
        int end = part == parts - 1 ? length : (int)((long)(part + 1) * blocks / parts) * blockLength;
        return (start, end - start);
    }

    /// <summary>One unary operation split into parts of whole Vector256 blocks, over operands pinned by the caller.</summary>
    private readonly unsafe struct UnaryJob<TOperator>(float* x, float* y, int length, int parts) : IPartitionedJob
        where TOperator : IUnaryOperator
    {
        public static int ScratchLength => 0;

        public int Parts => parts;

        public void RunPart(int part, Span<float> scratch)
        {
            (int start, int count) = PartRange(length, part, parts);
            UnaryRun<TOperator>(new ReadOnlySpan<float>(x + start, count), new Span<float>(y + start, count));
        }
    }

    /// <summary>One binary operation on equal-length operands, split like <see cref="UnaryJob{TOperator}"/>.</summary>
    private readonly unsafe struct BinaryJob<TOperator>(float* a, float* b, float* y, int length, int parts) : IPartitionedJob
        where TOperator : IBinaryOperator
    {
        public static int ScratchLength => 0;

        public int Parts => parts;

        public void RunPart(int part, Span<float> scratch)
        {
            (int start, int count) = PartRange(length, part, parts);
            BinaryRun<TOperator>(
                new ReadOnlySpan<float>(a + start, count), new ReadOnlySpan<float>(b + start, count), new Span<float>(y + start, count));
        }
    }
}
