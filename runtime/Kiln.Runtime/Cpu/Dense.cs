namespace Kiln.Cpu;

/// <summary>Fully connected layers: the ONNX Gemm and MatMul operators on single-precision matrices.</summary>
public static class Dense
{
    /// <summary>Largest row count for which a Gemm with transposed B uses dot products instead of the tiled product.</summary>
    private const int DotProductMaxRows = 4;

    /// <summary>Computes the ONNX Gemm Y = alpha·op(A)·op(B) + beta·C.</summary>
    /// <param name="a">A, stored M×K, or K×M when <paramref name="transA"/> is true.</param>
    /// <param name="b">B, stored K×N, or N×K when <paramref name="transB"/> is true.</param>
    /// <param name="c">C, cRows×cColumns broadcast to M×N, or empty for none.</param>
    /// <param name="y">Output Y, M×N.</param>
    /// <param name="m">Rows of op(A) and of Y.</param>
    /// <param name="n">Columns of op(B) and of Y.</param>
    /// <param name="k">Columns of op(A) and rows of op(B).</param>
    /// <param name="transA">Whether A is stored transposed.</param>
    /// <param name="transB">Whether B is stored transposed.</param>
    /// <param name="alpha">Scale of the product, applied after it as in the ONNX reference.</param>
    /// <param name="beta">Scale of C. When it is 0, C is not read, so a NaN in C does not reach Y (as in the ONNX reference).</param>
    /// <param name="cRows">Rows of C: 1 or M. Ignored when <paramref name="c"/> is empty.</param>
    /// <param name="cColumns">Columns of C: 1 or N. Ignored when <paramref name="c"/> is empty.</param>
    /// <exception cref="ArgumentException">A size is negative, a span has the wrong length, or C cannot broadcast to M×N.</exception>
    public static void Gemm(
        ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> c, Span<float> y,
        int m, int n, int k, bool transA, bool transB, float alpha, float beta, int cRows, int cColumns)
    {
        CheckSizes(m, n, k);
        if (transA)
        {
            SpanChecks.RequireLength(nameof(a), a.Length, (long)m * k, $"K×M = {k}×{m}");
        }
        else
        {
            SpanChecks.RequireLength(nameof(a), a.Length, (long)m * k, $"M×K = {m}×{k}");
        }

        if (transB)
        {
            SpanChecks.RequireLength(nameof(b), b.Length, (long)k * n, $"N×K = {n}×{k}");
        }
        else
        {
            SpanChecks.RequireLength(nameof(b), b.Length, (long)k * n, $"K×N = {k}×{n}");
        }

        SpanChecks.RequireLength(nameof(y), y.Length, (long)m * n, $"M×N = {m}×{n}");
        if (!c.IsEmpty)
        {
            if ((cRows != 1 && cRows != m) || (cColumns != 1 && cColumns != n))
            {
                throw new ArgumentException(
                    $"Invalid shape of C: {cRows}×{cColumns} does not broadcast to M×N = {m}×{n}. cRows must be 1 or M, and cColumns 1 or N.",
                    nameof(c));
            }

            SpanChecks.RequireLength(nameof(c), c.Length, (long)cRows * cColumns, $"cRows×cColumns = {cRows}×{cColumns}");
        }

        if (transB && !transA && m <= DotProductMaxRows)
        {
            // Each output is the dot product of a row of A with a row of the stored B, both contiguous.
            // This reads B once and skips the transposing pack, which would cost as much as the product.
            DotProducts(a, b, y, m, n, k);
        }
        else
        {
            MatrixMultiply.Multiply(
                a, transA ? 1 : k, transA ? m : 1,
                b, transB ? 1 : n, transB ? k : 1,
                y, n, m, n, k, rowBias: default, accumulate: false, packBuffer: default);
        }

        if (alpha != 1f)
        {
            SpanMath.Scale(y, alpha);
        }

        if (!c.IsEmpty && beta != 0f)
        {
            AddScaledBroadcast(c, y, m, n, cRows, cColumns, beta);
        }
    }

    /// <summary>Computes Y (M×N) = A (M×K) · B (K×N), all row-major.</summary>
    /// <param name="a">A, M×K.</param>
    /// <param name="b">B, K×N.</param>
    /// <param name="y">Output Y, M×N.</param>
    /// <param name="m">Rows of A and Y.</param>
    /// <param name="k">Columns of A and rows of B.</param>
    /// <param name="n">Columns of B and Y.</param>
    /// <exception cref="ArgumentException">A size is negative or a span has the wrong length.</exception>
    public static void MatMul(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y, int m, int k, int n)
    {
        CheckSizes(m, n, k);
        SpanChecks.RequireLength(nameof(a), a.Length, (long)m * k, $"M×K = {m}×{k}");
        SpanChecks.RequireLength(nameof(b), b.Length, (long)k * n, $"K×N = {k}×{n}");
        SpanChecks.RequireLength(nameof(y), y.Length, (long)m * n, $"M×N = {m}×{n}");
        MatrixMultiply.Multiply(a, k, 1, b, n, 1, y, n, m, n, k, rowBias: default, accumulate: false, packBuffer: default);
    }

    private static void CheckSizes(int m, int n, int k)
    {
        SpanChecks.RequireNonNegative(nameof(m), m);
        SpanChecks.RequireNonNegative(nameof(n), n);
        SpanChecks.RequireNonNegative(nameof(k), k);
    }

    /// <summary>Computes y[i, j] = Σ a[i, p]·b[j, p] for row-major A (M×K) and B (N×K).</summary>
    private static void DotProducts(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y, int m, int n, int k)
    {
        for (int i = 0; i < m; i++)
        {
            ReadOnlySpan<float> aRow = a.Slice(i * k, k);
            for (int j = 0; j < n; j++)
            {
                y[i * n + j] = SpanMath.Dot(aRow, b.Slice(j * k, k));
            }
        }
    }

    /// <summary>Adds factor·C to Y, with C (cRows×cColumns) broadcast to M×N.</summary>
    private static void AddScaledBroadcast(ReadOnlySpan<float> c, Span<float> y, int m, int n, int cRows, int cColumns, float factor)
    {
        for (int i = 0; i < m; i++)
        {
            Span<float> yRow = y.Slice(i * n, n);
            int cRow = cRows == 1 ? 0 : i;
            if (cColumns == 1)
            {
                float value = factor * c[cRow];
                for (int j = 0; j < n; j++)
                {
                    yRow[j] += value;
                }
            }
            else
            {
                ReadOnlySpan<float> cValues = c.Slice(cRow * n, n);
                for (int j = 0; j < n; j++)
                {
                    yRow[j] += factor * cValues[j];
                }
            }
        }
    }
}
