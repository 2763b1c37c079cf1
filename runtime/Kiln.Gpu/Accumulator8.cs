using System.Runtime.CompilerServices;
using ILGPU;

namespace Kiln.Gpu;

/// <summary>
/// Eight running sums of one output row of a thread's 8×8 block in <see cref="TiledGemm"/>. Separate fields rather
/// than an array, so that ILGPU keeps them in registers.
/// </summary>
internal struct Accumulator8
{
    public float S0;
    public float S1;
    public float S2;
    public float S3;
    public float S4;
    public float S5;
    public float S6;
    public float S7;

    /// <summary>Adds <paramref name="a"/> times each of the eight values of <paramref name="b"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void MultiplyAdd(float a, in Accumulator8 b)
    {
        S0 += a * b.S0;
        S1 += a * b.S1;
        S2 += a * b.S2;
        S3 += a * b.S3;
        S4 += a * b.S4;
        S5 += a * b.S5;
        S6 += a * b.S6;
        S7 += a * b.S7;
    }

    /// <summary>Reads eight consecutive values of <paramref name="view"/> from <paramref name="offset"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Accumulator8 Load(ArrayView<float> view, int offset) => new()
    {
        S0 = view[offset],
        S1 = view[offset + 1],
        S2 = view[offset + 2],
        S3 = view[offset + 3],
        S4 = view[offset + 4],
        S5 = view[offset + 5],
        S6 = view[offset + 6],
        S7 = view[offset + 7],
    };

    /// <summary>Stores the sums of output row <paramref name="row"/> from <paramref name="column"/> on, skipping columns at or past <paramref name="n"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly void Store<TOperands>(ref TOperands operands, int batch, int row, int column, int n)
        where TOperands : struct, IGemmOperands
    {
        StoreOne(ref operands, batch, row, column, n, S0);
        StoreOne(ref operands, batch, row, column + 1, n, S1);
        StoreOne(ref operands, batch, row, column + 2, n, S2);
        StoreOne(ref operands, batch, row, column + 3, n, S3);
        StoreOne(ref operands, batch, row, column + 4, n, S4);
        StoreOne(ref operands, batch, row, column + 5, n, S5);
        StoreOne(ref operands, batch, row, column + 6, n, S6);
        StoreOne(ref operands, batch, row, column + 7, n, S7);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreOne<TOperands>(ref TOperands operands, int batch, int row, int column, int n, float sum)
        where TOperands : struct, IGemmOperands
    {
        if (column < n)
        {
            operands.Store(batch, row, column, sum);
        }
    }
}
