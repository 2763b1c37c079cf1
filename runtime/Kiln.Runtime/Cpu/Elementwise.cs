using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Kiln.Cpu;

/// <summary>Element-wise operations, with ONNX multidirectional broadcasting for binary ones.</summary>
public static partial class Elementwise
{
    /// <summary>Largest rank that <see cref="BroadcastBinary"/> accepts.</summary>
    public const int MaxRank = 8;

    /// <summary>Computes y[i] = op(a[i], b[i]). <paramref name="y"/> may be the same span as <paramref name="a"/> or <paramref name="b"/>.</summary>
    /// <typeparam name="TOperator">The operation.</typeparam>
    /// <param name="a">Left operands.</param>
    /// <param name="b">Right operands, as many as <paramref name="a"/>.</param>
    /// <param name="y">Output, as long as <paramref name="a"/>.</param>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    public static void Binary<TOperator>(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y)
        where TOperator : IBinaryOperator
    {
        SpanChecks.RequireLength(nameof(b), b.Length, a.Length, "the length of a");
        SpanChecks.RequireLength(nameof(y), y.Length, a.Length, "the length of a");
        int parts = ParallelParts(a.Length);
        if (parts > 1)
        {
            BinaryInParallel<TOperator>(a, b, y, parts);
        }
        else
        {
            BinaryRun<TOperator>(a, b, y);
        }
    }

    /// <summary>Computes y[i] = op(x[i]). <paramref name="y"/> may be the same span as <paramref name="x"/>.</summary>
    /// <typeparam name="TOperator">The operation.</typeparam>
    /// <param name="x">Operands.</param>
    /// <param name="y">Output, as long as <paramref name="x"/>.</param>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    public static void Unary<TOperator>(ReadOnlySpan<float> x, Span<float> y)
        where TOperator : IUnaryOperator
    {
        SpanChecks.RequireLength(nameof(y), y.Length, x.Length, "the length of x");
        int parts = ParallelParts(x.Length);
        if (parts > 1)
        {
            UnaryInParallel<TOperator>(x, y, parts);
        }
        else
        {
            UnaryRun<TOperator>(x, y);
        }
    }

    private static void UnaryRun<TOperator>(ReadOnlySpan<float> x, Span<float> y)
        where TOperator : IUnaryOperator
    {
        int length = x.Length;
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref float xOrigin = ref MemoryMarshal.GetReference(x);
            ref float yOrigin = ref MemoryMarshal.GetReference(y);
            for (; i <= length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                TOperator.Apply(Vector256.LoadUnsafe(ref xOrigin, (nuint)i)).StoreUnsafe(ref yOrigin, (nuint)i);
            }
        }

        for (; i < length; i++)
        {
            y[i] = TOperator.Apply(x[i]);
        }
    }

    /// <summary>
    /// Computes y = op(a, b) with multidirectional broadcasting. Element (i0, …, ir−1) of the output reads
    /// a[Σ i_d·aStrides[d]] and b[Σ i_d·bStrides[d]], so a broadcast axis has stride 0.
    /// </summary>
    /// <remarks>
    /// Axes of size 1 are dropped and neighboring axes that are contiguous in both inputs are merged first,
    /// so that the innermost loop is as long as possible. It runs with Vector256 when that axis is
    /// contiguous in both inputs or has stride 0 in one of them (a scalar or a broadcast row).
    /// </remarks>
    /// <typeparam name="TOperator">The operation.</typeparam>
    /// <param name="a">Left input.</param>
    /// <param name="aStrides">Element stride of <paramref name="a"/> per output axis, 0 on broadcast axes.</param>
    /// <param name="b">Right input.</param>
    /// <param name="bStrides">Element stride of <paramref name="b"/> per output axis, 0 on broadcast axes.</param>
    /// <param name="y">Output, row-major in <paramref name="shape"/>.</param>
    /// <param name="shape">Output shape, rank 1 to <see cref="MaxRank"/>.</param>
    /// <exception cref="ArgumentException">A rank, size, stride or span length is invalid.</exception>
    public static void BroadcastBinary<TOperator>(
        ReadOnlySpan<float> a, ReadOnlySpan<int> aStrides, ReadOnlySpan<float> b, ReadOnlySpan<int> bStrides,
        Span<float> y, ReadOnlySpan<int> shape)
        where TOperator : IBinaryOperator
    {
        long count = CheckBroadcast(a.Length, aStrides, b.Length, bStrides, y.Length, shape);
        if (count == 0)
        {
            return;
        }

        Span<int> sizes = stackalloc int[MaxRank];
        Span<int> aSteps = stackalloc int[MaxRank];
        Span<int> bSteps = stackalloc int[MaxRank];
        int rank = MergeAxes(aStrides, bStrides, shape, sizes, aSteps, bSteps);
        if (rank == 0)
        {
            y[0] = TOperator.Apply(a[0], b[0]);
            return;
        }

        int inner = sizes[rank - 1];
        int aInner = aSteps[rank - 1];
        int bInner = bSteps[rank - 1];
        int outerCount = (int)(count / inner);
        Span<int> position = stackalloc int[MaxRank];
        position.Clear();
        int aOffset = 0;
        int bOffset = 0;
        for (int outer = 0; outer < outerCount; outer++)
        {
            Span<float> target = y.Slice(outer * inner, inner);
            if (aInner == 1 && bInner == 1)
            {
                BinaryRun<TOperator>(a.Slice(aOffset, inner), b.Slice(bOffset, inner), target);
            }
            else if (aInner == 0 && bInner == 1)
            {
                ScalarLeftRun<TOperator>(a[aOffset], b.Slice(bOffset, inner), target);
            }
            else if (aInner == 1 && bInner == 0)
            {
                ScalarRightRun<TOperator>(a.Slice(aOffset, inner), b[bOffset], target);
            }
            else if (aInner == 0 && bInner == 0)
            {
                target.Fill(TOperator.Apply(a[aOffset], b[bOffset]));
            }
            else
            {
                for (int i = 0; i < inner; i++)
                {
                    target[i] = TOperator.Apply(a[aOffset + i * aInner], b[bOffset + i * bInner]);
                }
            }

            // Step the outer axes like an odometer, last axis fastest.
            for (int axis = rank - 2; axis >= 0; axis--)
            {
                position[axis]++;
                aOffset += aSteps[axis];
                bOffset += bSteps[axis];
                if (position[axis] < sizes[axis])
                {
                    break;
                }

                aOffset -= aSteps[axis] * sizes[axis];
                bOffset -= bSteps[axis] * sizes[axis];
                position[axis] = 0;
            }
        }
    }

    /// <summary>Checks ranks, sizes, strides and lengths, and returns the element count of the output.</summary>
    private static long CheckBroadcast(
        int aLength, ReadOnlySpan<int> aStrides, int bLength, ReadOnlySpan<int> bStrides, int yLength, ReadOnlySpan<int> shape)
    {
        if (shape.Length < 1 || shape.Length > MaxRank)
        {
            throw new ArgumentException($"Invalid rank of shape: expected 1 to {MaxRank}, but got {shape.Length}.", nameof(shape));
        }

        if (aStrides.Length != shape.Length)
        {
            throw new ArgumentException($"Invalid length of aStrides: expected {shape.Length} (the rank of shape), but got {aStrides.Length}.", nameof(aStrides));
        }

        if (bStrides.Length != shape.Length)
        {
            throw new ArgumentException($"Invalid length of bStrides: expected {shape.Length} (the rank of shape), but got {bStrides.Length}.", nameof(bStrides));
        }

        long count = 1;
        long aLast = 0;
        long bLast = 0;
        for (int axis = 0; axis < shape.Length; axis++)
        {
            if (shape[axis] < 0)
            {
                throw new ArgumentException($"Invalid shape: size {shape[axis]} of axis {axis} is negative.", nameof(shape));
            }

            if (aStrides[axis] < 0 || bStrides[axis] < 0)
            {
                throw new ArgumentException(
                    $"Invalid strides on axis {axis}: aStrides {aStrides[axis]} and bStrides {bStrides[axis]} must not be negative.",
                    aStrides[axis] < 0 ? nameof(aStrides) : nameof(bStrides));
            }

            count *= shape[axis];
            if (count > Array.MaxLength)
            {
                throw new ArgumentException($"Invalid shape: more than {Array.MaxLength} elements.", nameof(shape));
            }

            if (shape[axis] > 0)
            {
                aLast += (long)(shape[axis] - 1) * aStrides[axis];
                bLast += (long)(shape[axis] - 1) * bStrides[axis];
            }
        }

        SpanChecks.RequireLength("y", yLength, count, "the product of shape");
        if (count > 0)
        {
            SpanChecks.RequireAtLeast("a", aLength, aLast + 1, "the last element that aStrides reach, plus one");
            SpanChecks.RequireAtLeast("b", bLength, bLast + 1, "the last element that bStrides reach, plus one");
        }

        return count;
    }

    /// <summary>
    /// Drops axes of size 1 and merges each axis into the one before it when both inputs step over it
    /// contiguously, writing the result to <paramref name="sizes"/>, <paramref name="aSteps"/> and <paramref name="bSteps"/>.
    /// Returns the merged rank.
    /// </summary>
    private static int MergeAxes(
        ReadOnlySpan<int> aStrides, ReadOnlySpan<int> bStrides, ReadOnlySpan<int> shape,
        Span<int> sizes, Span<int> aSteps, Span<int> bSteps)
    {
        int rank = 0;
        for (int axis = 0; axis < shape.Length; axis++)
        {
            int size = shape[axis];
            if (size == 1)
            {
                continue;
            }

            if (rank > 0
                && aSteps[rank - 1] == (long)aStrides[axis] * size
                && bSteps[rank - 1] == (long)bStrides[axis] * size)
            {
                sizes[rank - 1] *= size;
                aSteps[rank - 1] = aStrides[axis];
                bSteps[rank - 1] = bStrides[axis];
            }
            else
            {
                sizes[rank] = size;
                aSteps[rank] = aStrides[axis];
                bSteps[rank] = bStrides[axis];
                rank++;
            }
        }

        return rank;
    }

    private static void BinaryRun<TOperator>(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y)
        where TOperator : IBinaryOperator
    {
        int length = y.Length;
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref float aOrigin = ref MemoryMarshal.GetReference(a);
            ref float bOrigin = ref MemoryMarshal.GetReference(b);
            ref float yOrigin = ref MemoryMarshal.GetReference(y);
            for (; i <= length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                TOperator.Apply(Vector256.LoadUnsafe(ref aOrigin, (nuint)i), Vector256.LoadUnsafe(ref bOrigin, (nuint)i))
                    .StoreUnsafe(ref yOrigin, (nuint)i);
            }
        }

        for (; i < length; i++)
        {
            y[i] = TOperator.Apply(a[i], b[i]);
        }
    }

    private static void ScalarLeftRun<TOperator>(float a, ReadOnlySpan<float> b, Span<float> y)
        where TOperator : IBinaryOperator
    {
        int length = y.Length;
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> left = Vector256.Create(a);
            ref float bOrigin = ref MemoryMarshal.GetReference(b);
            ref float yOrigin = ref MemoryMarshal.GetReference(y);
            for (; i <= length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                TOperator.Apply(left, Vector256.LoadUnsafe(ref bOrigin, (nuint)i)).StoreUnsafe(ref yOrigin, (nuint)i);
            }
        }

        for (; i < length; i++)
        {
            y[i] = TOperator.Apply(a, b[i]);
        }
    }

    private static void ScalarRightRun<TOperator>(ReadOnlySpan<float> a, float b, Span<float> y)
        where TOperator : IBinaryOperator
    {
        int length = y.Length;
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> right = Vector256.Create(b);
            ref float aOrigin = ref MemoryMarshal.GetReference(a);
            ref float yOrigin = ref MemoryMarshal.GetReference(y);
            for (; i <= length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                TOperator.Apply(Vector256.LoadUnsafe(ref aOrigin, (nuint)i), right).StoreUnsafe(ref yOrigin, (nuint)i);
            }
        }

        for (; i < length; i++)
        {
            y[i] = TOperator.Apply(a[i], b);
        }
    }
}
