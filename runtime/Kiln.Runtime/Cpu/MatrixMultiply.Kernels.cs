using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Kiln.Cpu;

internal static partial class MatrixMultiply
{
    /// <summary>How a micro-kernel sets its accumulators before the first product of its depth block.</summary>
    internal enum TileStart
    {
        /// <summary>Start from zero.</summary>
        Zero,

        /// <summary>Start every row i of the tile from its bias value.</summary>
        Bias,

        /// <summary>Start from the values already in C (later depth blocks, or accumulation).</summary>
        LoadC,
    }

    /// <summary>Sizes and strides of one micro-kernel call: a tile of at most 6×16 elements of C over one depth block.</summary>
    internal readonly record struct Tile(
        int Rows, int Width, int Depth,
        nint ARowStride, nint AColumnStride, nint BRowStride, nint Ldc,
        TileStart Start);

    /// <summary>A set of micro-kernels that compute one tile of C.</summary>
    internal interface IMicroKernels
    {
        /// <summary>
        /// Computes C[0..Rows, 0..Width] (+)= A[0..Rows, 0..Depth]·B[0..Depth, 0..16]. Every row of B has 16 readable
        /// floats, which are zero past Width unless Width is 16.
        /// </summary>
        static abstract void Run(ref float a, ref float b, ref float c, ref float bias, in Tile tile);
    }

    /// <summary>Micro-kernels built on Vector256 and FMA. Call them only when <see cref="UsesVector256"/> is true.</summary>
    internal readonly struct Vector256Kernels : IMicroKernels
    {
        public static void Run(ref float a, ref float b, ref float c, ref float bias, in Tile tile)
        {
            if (tile.Width == StripWidth)
            {
                RunRows<Sixteen>(ref a, ref b, ref c, ref bias, in tile);
            }
            else if (tile.Width == 8)
            {
                RunRows<Eight>(ref a, ref b, ref c, ref bias, in tile);
            }
            else
            {
                RunPartialWidth(ref a, ref b, ref c, ref bias, in tile);
            }
        }

        /// <summary>
        /// Computes a tile narrower than its kernel in a scratch tile, so that the kernel itself makes no calls.
        /// A call would force the accumulators out of registers, because all YMM registers are caller-saved.
        /// </summary>
        private static void RunPartialWidth(ref float a, ref float b, ref float c, ref float bias, in Tile tile)
        {
            Span<float> scratch = stackalloc float[RowTile * StripWidth];
            if (tile.Start == TileStart.LoadC)
            {
                for (int row = 0; row < tile.Rows; row++)
                {
                    for (int j = 0; j < tile.Width; j++)
                    {
                        scratch[row * StripWidth + j] = Unsafe.Add(ref c, row * tile.Ldc + j);
                    }
                }
            }

            ref float scratchTile = ref MemoryMarshal.GetReference(scratch);
            if (tile.Width > 8)
            {
                RunRows<Sixteen>(ref a, ref b, ref scratchTile, ref bias, tile with { Width = StripWidth, Ldc = StripWidth });
            }
            else
            {
                RunRows<Eight>(ref a, ref b, ref scratchTile, ref bias, tile with { Width = 8, Ldc = StripWidth });
            }

            for (int row = 0; row < tile.Rows; row++)
            {
                for (int j = 0; j < tile.Width; j++)
                {
                    Unsafe.Add(ref c, row * tile.Ldc + j) = scratch[row * StripWidth + j];
                }
            }
        }

        private static void RunRows<TWidth>(ref float a, ref float b, ref float c, ref float bias, in Tile tile)
            where TWidth : struct, IConstant
        {
            switch (tile.Rows)
            {
                case 6: Compute<Six, TWidth>(ref a, ref b, ref c, ref bias, in tile); break;
                case 5: Compute<Five, TWidth>(ref a, ref b, ref c, ref bias, in tile); break;
                case 4: Compute<Four, TWidth>(ref a, ref b, ref c, ref bias, in tile); break;
                case 3: Compute<Three, TWidth>(ref a, ref b, ref c, ref bias, in tile); break;
                case 2: Compute<Two, TWidth>(ref a, ref b, ref c, ref bias, in tile); break;
                default: Compute<One, TWidth>(ref a, ref b, ref c, ref bias, in tile); break;
            }
        }

        /// <summary>
        /// Runs the register-blocked loop for <typeparamref name="TRows"/> rows and exactly <typeparamref name="TWidth"/>
        /// (8 or 16) columns. The JIT compiles one copy per pair of type arguments and drops the branches on
        /// their constant values, so unused accumulators cost nothing.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void Compute<TRows, TWidth>(ref float a, ref float b, ref float c, ref float bias, in Tile tile)
            where TRows : struct, IConstant
            where TWidth : struct, IConstant
        {
            int rows = TRows.Value;
            bool wide = TWidth.Value == 16;
            nint aRowStride = tile.ARowStride;
            nint aColumnStride = tile.AColumnStride;
            nint bRowStride = tile.BRowStride;
            nint ldc = tile.Ldc;
            int depth = tile.Depth;
            TileStart start = tile.Start;

            Vector256<float> sum00 = StartHalf(ref c, ref bias, 0, start, 0), sum01 = default;
            Vector256<float> sum10 = default, sum11 = default, sum20 = default, sum21 = default;
            Vector256<float> sum30 = default, sum31 = default, sum40 = default, sum41 = default, sum50 = default, sum51 = default;
            if (wide) sum01 = StartHalf(ref c, ref bias, 0, start, 8);
            if (rows > 1)
            {
                sum10 = StartHalf(ref Unsafe.Add(ref c, ldc), ref bias, 1, start, 0);
                if (wide) sum11 = StartHalf(ref Unsafe.Add(ref c, ldc), ref bias, 1, start, 8);
            }

            if (rows > 2)
            {
                sum20 = StartHalf(ref Unsafe.Add(ref c, 2 * ldc), ref bias, 2, start, 0);
                if (wide) sum21 = StartHalf(ref Unsafe.Add(ref c, 2 * ldc), ref bias, 2, start, 8);
            }

            if (rows > 3)
            {
                sum30 = StartHalf(ref Unsafe.Add(ref c, 3 * ldc), ref bias, 3, start, 0);
                if (wide) sum31 = StartHalf(ref Unsafe.Add(ref c, 3 * ldc), ref bias, 3, start, 8);
            }

            if (rows > 4)
            {
                sum40 = StartHalf(ref Unsafe.Add(ref c, 4 * ldc), ref bias, 4, start, 0);
                if (wide) sum41 = StartHalf(ref Unsafe.Add(ref c, 4 * ldc), ref bias, 4, start, 8);
            }

            if (rows > 5)
            {
                sum50 = StartHalf(ref Unsafe.Add(ref c, 5 * ldc), ref bias, 5, start, 0);
                if (wide) sum51 = StartHalf(ref Unsafe.Add(ref c, 5 * ldc), ref bias, 5, start, 8);
            }

            // Rows past TRows alias row 0 so that no reference points outside A. They are never read.
            ref float a0 = ref a;
            ref float a1 = ref rows > 1 ? ref Unsafe.Add(ref a, aRowStride) : ref a;
            ref float a2 = ref rows > 2 ? ref Unsafe.Add(ref a, 2 * aRowStride) : ref a;
            ref float a3 = ref rows > 3 ? ref Unsafe.Add(ref a, 3 * aRowStride) : ref a;
            ref float a4 = ref rows > 4 ? ref Unsafe.Add(ref a, 4 * aRowStride) : ref a;
            ref float a5 = ref rows > 5 ? ref Unsafe.Add(ref a, 5 * aRowStride) : ref a;
            nint aOffset = 0;
            nint bOffset = 0;
            for (int p = depth; p > 0; p--)
            {
                Vector256<float> b0 = Vector256.LoadUnsafe(ref b, (nuint)bOffset);
                Vector256<float> b1 = wide ? Vector256.LoadUnsafe(ref b, (nuint)(bOffset + 8)) : default;

                Vector256<float> broadcast = Vector256.Create(Unsafe.Add(ref a0, aOffset));
                sum00 = Fma.MultiplyAdd(broadcast, b0, sum00);
                if (wide) sum01 = Fma.MultiplyAdd(broadcast, b1, sum01);
                if (rows > 1)
                {
                    broadcast = Vector256.Create(Unsafe.Add(ref a1, aOffset));
                    sum10 = Fma.MultiplyAdd(broadcast, b0, sum10);
                    if (wide) sum11 = Fma.MultiplyAdd(broadcast, b1, sum11);
                }

                if (rows > 2)
                {
                    broadcast = Vector256.Create(Unsafe.Add(ref a2, aOffset));
                    sum20 = Fma.MultiplyAdd(broadcast, b0, sum20);
                    if (wide) sum21 = Fma.MultiplyAdd(broadcast, b1, sum21);
                }

                if (rows > 3)
                {
                    broadcast = Vector256.Create(Unsafe.Add(ref a3, aOffset));
                    sum30 = Fma.MultiplyAdd(broadcast, b0, sum30);
                    if (wide) sum31 = Fma.MultiplyAdd(broadcast, b1, sum31);
                }

                if (rows > 4)
                {
                    broadcast = Vector256.Create(Unsafe.Add(ref a4, aOffset));
                    sum40 = Fma.MultiplyAdd(broadcast, b0, sum40);
                    if (wide) sum41 = Fma.MultiplyAdd(broadcast, b1, sum41);
                }

                if (rows > 5)
                {
                    broadcast = Vector256.Create(Unsafe.Add(ref a5, aOffset));
                    sum50 = Fma.MultiplyAdd(broadcast, b0, sum50);
                    if (wide) sum51 = Fma.MultiplyAdd(broadcast, b1, sum51);
                }

                aOffset += aColumnStride;
                bOffset += bRowStride;
            }

            StoreRow(ref c, wide, sum00, sum01);
            if (rows > 1) StoreRow(ref Unsafe.Add(ref c, ldc), wide, sum10, sum11);
            if (rows > 2) StoreRow(ref Unsafe.Add(ref c, 2 * ldc), wide, sum20, sum21);
            if (rows > 3) StoreRow(ref Unsafe.Add(ref c, 3 * ldc), wide, sum30, sum31);
            if (rows > 4) StoreRow(ref Unsafe.Add(ref c, 4 * ldc), wide, sum40, sum41);
            if (rows > 5) StoreRow(ref Unsafe.Add(ref c, 5 * ldc), wide, sum50, sum51);
        }

        /// <summary>Returns the starting value of the 8 accumulators for columns <paramref name="offset"/>.. of one row.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector256<float> StartHalf(ref float cRow, ref float bias, int row, TileStart start, int offset)
        {
            if (start == TileStart.LoadC)
            {
                return Vector256.LoadUnsafe(ref cRow, (nuint)offset);
            }

            return start == TileStart.Bias ? Vector256.Create(Unsafe.Add(ref bias, row)) : Vector256<float>.Zero;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void StoreRow(ref float cRow, bool wide, Vector256<float> low, Vector256<float> high)
        {
            low.StoreUnsafe(ref cRow);
            if (wide)
            {
                high.StoreUnsafe(ref cRow, 8);
            }
        }
    }

    /// <summary>
    /// Micro-kernels for machines without AVX2 and FMA: one row at a time, 16 columns as four Vector128,
    /// with a separate multiply and add. Vector128 runs in software where the hardware lacks it, so this is
    /// always correct but only fast where Vector128 is accelerated.
    /// </summary>
    internal readonly struct PortableKernels : IMicroKernels
    {
        public static void Run(ref float a, ref float b, ref float c, ref float bias, in Tile tile)
        {
            Span<float> sums = stackalloc float[StripWidth];
            for (int row = 0; row < tile.Rows; row++)
            {
                ref float aRow = ref Unsafe.Add(ref a, row * tile.ARowStride);
                ref float cRow = ref Unsafe.Add(ref c, row * tile.Ldc);
                switch (tile.Start)
                {
                    case TileStart.LoadC:
                        sums.Clear();
                        for (int j = 0; j < tile.Width; j++)
                        {
                            sums[j] = Unsafe.Add(ref cRow, j);
                        }

                        break;
                    case TileStart.Bias:
                        sums.Fill(Unsafe.Add(ref bias, row));
                        break;
                    default:
                        sums.Clear();
                        break;
                }

                Vector128<float> sum0 = Vector128.Create((ReadOnlySpan<float>)sums);
                Vector128<float> sum1 = Vector128.Create((ReadOnlySpan<float>)sums[4..]);
                Vector128<float> sum2 = Vector128.Create((ReadOnlySpan<float>)sums[8..]);
                Vector128<float> sum3 = Vector128.Create((ReadOnlySpan<float>)sums[12..]);
                nint aOffset = 0;
                nint bOffset = 0;
                for (int p = 0; p < tile.Depth; p++)
                {
                    Vector128<float> broadcast = Vector128.Create(Unsafe.Add(ref aRow, aOffset));
                    ref float bRow = ref Unsafe.Add(ref b, bOffset);
                    sum0 += broadcast * Vector128.LoadUnsafe(ref bRow);
                    sum1 += broadcast * Vector128.LoadUnsafe(ref bRow, 4);
                    sum2 += broadcast * Vector128.LoadUnsafe(ref bRow, 8);
                    sum3 += broadcast * Vector128.LoadUnsafe(ref bRow, 12);
                    aOffset += tile.AColumnStride;
                    bOffset += tile.BRowStride;
                }

                sum0.CopyTo(sums);
                sum1.CopyTo(sums[4..]);
                sum2.CopyTo(sums[8..]);
                sum3.CopyTo(sums[12..]);
                for (int j = 0; j < tile.Width; j++)
                {
                    Unsafe.Add(ref cRow, j) = sums[j];
                }
            }
        }
    }

    /// <summary>A compile-time integer, used to specialize the micro-kernel per row count and width.</summary>
    internal interface IConstant
    {
        /// <summary>The integer.</summary>
        static abstract int Value { get; }
    }

    private readonly struct One : IConstant { public static int Value => 1; }
    private readonly struct Two : IConstant { public static int Value => 2; }
    private readonly struct Three : IConstant { public static int Value => 3; }
    private readonly struct Four : IConstant { public static int Value => 4; }
    private readonly struct Five : IConstant { public static int Value => 5; }
    private readonly struct Six : IConstant { public static int Value => 6; }
    private readonly struct Eight : IConstant { public static int Value => 8; }
    private readonly struct Sixteen : IConstant { public static int Value => 16; }
}
