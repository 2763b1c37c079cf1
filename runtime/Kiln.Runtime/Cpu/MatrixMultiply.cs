using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Kiln.Cpu;

/// <summary>
/// Single-precision matrix product C = A·B (+ a per-row bias, or + the previous C) shared by
/// Dense and Convolution.
/// </summary>
/// <remarks>
/// A (m×k) and B (k×n) are addressed through a row stride and a column stride, so either may be
/// stored transposed. C is row-major with row stride <c>ldc</c>. The product is computed in tiles of
/// <see cref="RowTile"/> rows by <see cref="StripWidth"/> columns held in registers. For cache reuse:
/// <list type="bullet">
/// <item>the depth is cut into blocks of at most <see cref="MaxDepthBlock"/>, so that one packed strip of B
/// (depth×16 floats, at most 16 KiB) stays in the 32 KiB L1 data cache while the row tiles stream past it;</item>
/// <item>each depth block of B is packed, up to <see cref="MaxColumnBlock"/> columns at a time, into strips
/// of 16 contiguous columns, reading the rows of B front to back;</item>
/// <item>the rows are cut into blocks of <see cref="RowBlock"/>, so that the A block they read
/// (at most 120×256 floats, 120 KiB) stays in the L2 cache across all strips of a column block.</item>
/// </list>
/// The sizes suit 32 KiB L1 and 512 KiB L2 caches, as on the AMD Zen 3 it was measured on.
/// </remarks>
internal static partial class MatrixMultiply
{
    /// <summary>Columns of C computed by one micro-kernel call: two Vector256 of floats.</summary>
    internal const int StripWidth = 16;

    /// <summary>Rows of C computed by one micro-kernel call: 6 rows × 2 vectors use 12 of the 16 AVX registers.</summary>
    internal const int RowTile = 6;

    /// <summary>Largest depth (k) block, so that a packed strip of B takes at most 256×16 floats.</summary>
    internal const int MaxDepthBlock = 256;

    /// <summary>Largest number of columns of B packed at a time: 256×256 floats, 256 KiB.</summary>
    internal const int MaxColumnBlock = 256;

    /// <summary>Rows of A that one pass over the strips of B reuses, a multiple of <see cref="RowTile"/>.</summary>
    internal const int RowBlock = 120;

    /// <summary>Whether the AVX2/FMA micro-kernels can run on this machine. Otherwise the portable ones run.</summary>
    internal static bool UsesVector256 => Avx2.IsSupported && Fma.IsSupported;

    /// <summary>
    /// Returns the pack buffer length that lets <see cref="Multiply"/> pack B in its largest column blocks
    /// for an n-column, depth-k product. Shorter buffers work too, down to none at all.
    /// </summary>
    internal static int PackBufferLength(int n, int k)
    {
        if (n <= 0 || k <= 0)
        {
            return 0;
        }

        return DepthBlockSize(k) * Math.Min(MaxColumnBlock, RoundUpToStrip(n));
    }

    /// <summary>
    /// Computes C = A·B, or C += A·B when <paramref name="accumulate"/> is true, adding
    /// <paramref name="rowBias"/>[i] to row i unless it is empty or <paramref name="accumulate"/> is true.
    /// </summary>
    /// <remarks>
    /// Element (i, p) of A is at <c>a[i·aRowStride + p·aColumnStride]</c>, element (p, j) of B at
    /// <c>b[p·bRowStride + j·bColumnStride]</c>, and element (i, j) of C at <c>c[i·ldc + j]</c>.
    /// B is packed into <paramref name="packBuffer"/> when it has room for two strips of one depth block
    /// (see <see cref="PackBufferLength"/>), otherwise one strip at a time into 16 KiB of stack.
    /// A product of at least <see cref="MinParallelWork"/> multiply-adds is split across
    /// <see cref="IntraOpParallelism.CurrentDegree"/> threads, with the same result as on one thread.
    /// </remarks>
    internal static void Multiply(
        ReadOnlySpan<float> a, int aRowStride, int aColumnStride,
        ReadOnlySpan<float> b, int bRowStride, int bColumnStride,
        Span<float> c, int ldc,
        int m, int n, int k,
        ReadOnlySpan<float> rowBias, bool accumulate, Span<float> packBuffer)
    {
        int degree = IntraOpParallelism.CurrentDegree;
        if (degree > 1 && (long)m * n * k >= MinParallelWork)
        {
            MultiplyInParallel(a, aRowStride, aColumnStride, b, bRowStride, bColumnStride, c, ldc, m, n, k, rowBias, accumulate, packBuffer, degree);
        }
        else
        {
            MultiplyOnThisThread(a, aRowStride, aColumnStride, b, bRowStride, bColumnStride, c, ldc, m, n, k, rowBias, accumulate, packBuffer);
        }
    }

    /// <summary>Computes the product with the micro-kernels of <typeparamref name="TKernels"/>. Tests use it to run the portable ones on any machine.</summary>
    /// <remarks>
    /// This method, the packing and the micro-kernels are compiled fully optimized on first use. Compiled at
    /// tier 0, the first call of a 64-channel 3×3 convolution on 56×56 took 150 ms instead of 7 ms (measured
    /// on the Zen 3 above), and with full optimization it took 42 ms including the compilation.
    /// </remarks>
    [SkipLocalsInit]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Multiply<TKernels>(
        ReadOnlySpan<float> a, int aRowStride, int aColumnStride,
        ReadOnlySpan<float> b, int bRowStride, int bColumnStride,
        Span<float> c, int ldc,
        int m, int n, int k,
        ReadOnlySpan<float> rowBias, bool accumulate, Span<float> packBuffer)
        where TKernels : IMicroKernels
    {
        CheckOperands(a, aRowStride, aColumnStride, b, bRowStride, bColumnStride, c, ldc, m, n, k, rowBias);
        if (m == 0 || n == 0)
        {
            return;
        }

        if (k == 0)
        {
            if (!accumulate)
            {
                FillWithBias(c, ldc, m, n, rowBias);
            }

            return;
        }

        int depthBlock = DepthBlockSize(k);
        Span<float> stackStrip = stackalloc float[MaxDepthBlock * StripWidth];
        Span<float> packed = packBuffer.Length >= 2 * StripWidth * depthBlock ? packBuffer : stackStrip;
        int columnBlock = Math.Min(MaxColumnBlock, Math.Min(RoundUpToStrip(n), packed.Length / depthBlock / StripWidth * StripWidth));

        // Reading a strip of B in place is only worth it when a single row tile uses it: with more rows,
        // the rows of B (often a power-of-two stride apart) would keep evicting each other from L1.
        bool packAll = m > RowTile || bColumnStride != 1;

        ref float aOrigin = ref MemoryMarshal.GetReference(a);
        ref float bOrigin = ref MemoryMarshal.GetReference(b);
        ref float cOrigin = ref MemoryMarshal.GetReference(c);
        ref float biasOrigin = ref MemoryMarshal.GetReference(rowBias);
        ref float packedOrigin = ref MemoryMarshal.GetReference(packed);

        for (int depthStart = 0; depthStart < k; depthStart += depthBlock)
        {
            int depth = Math.Min(depthBlock, k - depthStart);
            TileStart start = depthStart > 0 || accumulate ? TileStart.LoadC
                : rowBias.IsEmpty ? TileStart.Zero
                : TileStart.Bias;

            for (int columnStart = 0; columnStart < n; columnStart += columnBlock)
            {
                int blockWidth = Math.Min(columnBlock, n - columnStart);
                if (packAll)
                {
                    PackBlock(b, bRowStride, bColumnStride, depthStart, depth, columnStart, blockWidth, packed);
                }

                for (int rowStart = 0; rowStart < m; rowStart += RowBlock)
                {
                    int rowEnd = Math.Min(m, rowStart + RowBlock);
                    for (int stripStart = 0; stripStart < blockWidth; stripStart += StripWidth)
                    {
                        int column = columnStart + stripStart;
                        int width = Math.Min(StripWidth, n - column);
                        scoped ref float strip = ref Unsafe.NullRef<float>();
                        nint stripRowStride = StripWidth;
                        if (packAll)
                        {
                            strip = ref Unsafe.Add(ref packedOrigin, stripStart * depth);
                        }
                        else if (width < StripWidth)
                        {
                            PackBlock(b, bRowStride, bColumnStride, depthStart, depth, column, width, packed);
                            strip = ref packedOrigin;
                        }
                        else
                        {
                            strip = ref Unsafe.Add(ref bOrigin, (nint)depthStart * bRowStride + column);
                            stripRowStride = bRowStride;
                        }

                        for (int row = rowStart; row < rowEnd; row += RowTile)
                        {
                            int rows = Math.Min(RowTile, rowEnd - row);
                            ref float aTile = ref Unsafe.Add(ref aOrigin, (nint)row * aRowStride + (nint)depthStart * aColumnStride);
                            ref float cTile = ref Unsafe.Add(ref cOrigin, (nint)row * ldc + column);
                            ref float biasTile = ref start == TileStart.Bias ? ref Unsafe.Add(ref biasOrigin, row) : ref biasOrigin;
                            var tile = new Tile(rows, width, depth, aRowStride, aColumnStride, stripRowStride, ldc, start);
                            TKernels.Run(ref aTile, ref strip, ref cTile, ref biasTile, in tile);
                        }
                    }
                }
            }
        }
    }

    /// <summary>Returns the depth block for depth k: at most <see cref="MaxDepthBlock"/>, with the blocks as even as possible.</summary>
    private static int DepthBlockSize(int k)
    {
        int blocks = (k + MaxDepthBlock - 1) / MaxDepthBlock;
        return (k + blocks - 1) / blocks;
    }

    private static int RoundUpToStrip(int n) => (n + StripWidth - 1) / StripWidth * StripWidth;

    /// <summary>
    /// Copies B rows <paramref name="depthStart"/>.. and columns <paramref name="columnStart"/>.. into
    /// <paramref name="destination"/> as strips of <see cref="StripWidth"/> columns: strip s takes the depth×16 floats
    /// from offset s·16·depth, and the columns past <paramref name="width"/> in the last strip are zero.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackBlock(
        ReadOnlySpan<float> b, int bRowStride, int bColumnStride,
        int depthStart, int depth, int columnStart, int width, Span<float> destination)
    {
        if (destination.Length < (long)RoundUpToStrip(width) * depth)
        {
            throw new ArgumentException(
                $"Invalid length of destination: packing {depth}×{width} floats takes {RoundUpToStrip(width) * depth}, but got {destination.Length}.",
                nameof(destination));
        }

        ref float bOrigin = ref MemoryMarshal.GetReference(b);
        ref float destinationOrigin = ref MemoryMarshal.GetReference(destination);
        int fullStrips = width / StripWidth;
        int tailWidth = width - fullStrips * StripWidth;
        nint stripLength = (nint)depth * StripWidth;
        if (bColumnStride == 1)
        {
            // Read each row of B front to back and scatter its 16-column pieces to their strips.
            for (int p = 0; p < depth; p++)
            {
                ref float source = ref Unsafe.Add(ref bOrigin, (nint)(depthStart + p) * bRowStride + columnStart);
                ref float target = ref Unsafe.Add(ref destinationOrigin, p * StripWidth);
                for (int strip = 0; strip < fullStrips; strip++)
                {
                    ref float piece = ref Unsafe.Add(ref source, strip * StripWidth);
                    ref float pieceTarget = ref Unsafe.Add(ref target, strip * stripLength);
                    Vector256.LoadUnsafe(ref piece).StoreUnsafe(ref pieceTarget);
                    Vector256.LoadUnsafe(ref piece, 8).StoreUnsafe(ref pieceTarget, 8);
                }

                if (tailWidth > 0)
                {
                    ref float piece = ref Unsafe.Add(ref source, fullStrips * StripWidth);
                    ref float pieceTarget = ref Unsafe.Add(ref target, fullStrips * stripLength);
                    for (int j = 0; j < tailWidth; j++)
                    {
                        Unsafe.Add(ref pieceTarget, j) = Unsafe.Add(ref piece, j);
                    }

                    for (int j = tailWidth; j < StripWidth; j++)
                    {
                        Unsafe.Add(ref pieceTarget, j) = 0f;
                    }
                }
            }

            return;
        }

        // B is stored transposed (or with another column stride): read each of its columns along the depth.
        int paddedWidth = RoundUpToStrip(width);
        for (int j = 0; j < paddedWidth; j++)
        {
            ref float target = ref Unsafe.Add(ref destinationOrigin, (j / StripWidth) * stripLength + j % StripWidth);
            if (j < width)
            {
                ref float source = ref Unsafe.Add(ref bOrigin, (nint)(columnStart + j) * bColumnStride + (nint)depthStart * bRowStride);
                for (int p = 0; p < depth; p++)
                {
                    Unsafe.Add(ref target, p * StripWidth) = Unsafe.Add(ref source, (nint)p * bRowStride);
                }
            }
            else
            {
                for (int p = 0; p < depth; p++)
                {
                    Unsafe.Add(ref target, p * StripWidth) = 0f;
                }
            }
        }
    }

    private static void FillWithBias(Span<float> c, int ldc, int m, int n, ReadOnlySpan<float> rowBias)
    {
        for (int i = 0; i < m; i++)
        {
            c.Slice(i * ldc, n).Fill(rowBias.IsEmpty ? 0f : rowBias[i]);
        }
    }

    /// <summary>
    /// Checks that every element the product reads or writes lies inside its span, because the loops
    /// above index without bounds checks.
    /// </summary>
    private static void CheckOperands(
        ReadOnlySpan<float> a, int aRowStride, int aColumnStride,
        ReadOnlySpan<float> b, int bRowStride, int bColumnStride,
        Span<float> c, int ldc,
        int m, int n, int k,
        ReadOnlySpan<float> rowBias)
    {
        if (m < 0 || n < 0 || k < 0)
        {
            throw new ArgumentException($"Invalid matrix sizes: m, n and k must not be negative, but got m = {m}, n = {n}, k = {k}.");
        }

        if (aRowStride < 0 || aColumnStride < 0 || bRowStride < 0 || bColumnStride < 0 || ldc < n)
        {
            throw new ArgumentException(
                $"Invalid strides: A ({aRowStride}, {aColumnStride}), B ({bRowStride}, {bColumnStride}) must not be negative, and ldc ({ldc}) must be at least n ({n}).");
        }

        if (m == 0 || n == 0)
        {
            return;
        }

        CheckExtent(nameof(c), c.Length, (long)(m - 1) * ldc + n);
        if (k > 0)
        {
            CheckExtent(nameof(a), a.Length, (long)(m - 1) * aRowStride + (long)(k - 1) * aColumnStride + 1);
            CheckExtent(nameof(b), b.Length, (long)(k - 1) * bRowStride + (long)(n - 1) * bColumnStride + 1);
        }

        if (!rowBias.IsEmpty)
        {
            CheckExtent(nameof(rowBias), rowBias.Length, m);
        }
    }

    private static void CheckExtent(string name, int length, long required)
    {
        if (length < required)
        {
            throw new ArgumentException($"Invalid length of {name}: the matrix product reads or writes {required} floats, but got {length}.", name);
        }
    }
}
