using System.Buffers;

namespace Kiln.Cpu;

/// <summary>The function that <see cref="Reduction.Reduce"/> applies to the values it reduces, one per ONNX Reduce operator.</summary>
public enum ReductionKind
{
    /// <summary>ReduceSum: Σ x.</summary>
    Sum,

    /// <summary>ReduceMean: Σ x / n.</summary>
    Mean,

    /// <summary>ReduceMax: the maximum, or NaN when any value is NaN.</summary>
    Max,

    /// <summary>ReduceMin: the minimum, or NaN when any value is NaN.</summary>
    Min,

    /// <summary>ReduceProd: Π x.</summary>
    Product,

    /// <summary>ReduceL1: Σ |x|.</summary>
    L1,

    /// <summary>ReduceL2: sqrt(Σ x²).</summary>
    L2,

    /// <summary>ReduceSumSquare: Σ x².</summary>
    SumSquare,

    /// <summary>ReduceLogSum: log(Σ x).</summary>
    LogSum,

    /// <summary>ReduceLogSumExp: log(Σ exp(x)), computed as max + log(Σ exp(x − max)) so that exp cannot overflow.</summary>
    LogSumExp,
}

/// <summary>Reductions over any set of axes of a row-major tensor.</summary>
public static class Reduction
{
    /// <summary>
    /// Reduces <paramref name="x"/> over the axes whose bit is set in <paramref name="reducedAxes"/>. Sums, products and
    /// the log-sum-exp accumulate in double. An empty reduction gives the identity of the function: 0 for sums,
    /// 1 for the product, −∞ for the maximum and the logarithms, +∞ for the minimum and NaN for the mean.
    /// </summary>
    /// <param name="x">Input, with the shape <paramref name="shape"/>.</param>
    /// <param name="y">Output, the kept axes in their order: as many floats as the product of the kept dimensions.</param>
    /// <param name="shape">Dimensions of <paramref name="x"/>, at most 31.</param>
    /// <param name="reducedAxes">Bit mask of the reduced axes: bit i set reduces axis i.</param>
    /// <param name="kind">The function to apply.</param>
    /// <exception cref="ArgumentException">A dimension is negative, the mask names an axis past the rank, or a span has the wrong length.</exception>
    public static void Reduce(ReadOnlySpan<float> x, Span<float> y, ReadOnlySpan<int> shape, int reducedAxes, ReductionKind kind)
    {
        (int keptCount, int reducedCount) = CheckShape(x, shape, reducedAxes);
        SpanChecks.RequireLength(nameof(y), y.Length, keptCount, $"kept axes of {string.Join("×", shape.ToArray())}, mask 0x{reducedAxes:X}");
        if (keptCount == 0)
        {
            return;
        }

        int[] keptOffsets = ArrayPool<int>.Shared.Rent(keptCount);
        int[] reducedOffsets = ArrayPool<int>.Shared.Rent(reducedCount);
        try
        {
            FillOffsets(shape, reducedAxes, reduced: false, keptOffsets.AsSpan(0, keptCount));
            FillOffsets(shape, reducedAxes, reduced: true, reducedOffsets.AsSpan(0, reducedCount));
            ReadOnlySpan<int> offsets = reducedOffsets.AsSpan(0, reducedCount);
            for (int i = 0; i < keptCount; i++)
            {
                y[i] = ReduceOne(x.Slice(keptOffsets[i]), offsets, kind);
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(keptOffsets);
            ArrayPool<int>.Shared.Return(reducedOffsets);
        }
    }

    /// <summary>
    /// Computes the Lp norm (Σ |x|^p)^(1/p) of each row of a rows×columns tensor, in double: the ONNX GlobalLpPool
    /// with one row per image and channel.
    /// </summary>
    /// <param name="x">Input, rows×columns.</param>
    /// <param name="y">Output, rows floats.</param>
    /// <param name="rows">Number of norms, batch×channels for GlobalLpPool.</param>
    /// <param name="columns">Values per norm, the product of the spatial dimensions for GlobalLpPool.</param>
    /// <param name="p">Order of the norm, at least 1.</param>
    /// <exception cref="ArgumentException">A size is out of range or a span has the wrong length.</exception>
    public static void LpNorm(ReadOnlySpan<float> x, Span<float> y, int rows, int columns, int p)
    {
        SpanChecks.RequireNonNegative(nameof(rows), rows);
        SpanChecks.RequireNonNegative(nameof(columns), columns);
        SpanChecks.RequirePositive(nameof(p), p);
        SpanChecks.RequireLength(nameof(x), x.Length, (long)rows * columns, $"rows×columns = {rows}×{columns}");
        SpanChecks.RequireLength(nameof(y), y.Length, rows, "rows");

        for (int row = 0; row < rows; row++)
        {
            double sum = 0;
            foreach (float value in x.Slice(row * columns, columns))
            {
                double magnitude = Math.Abs((double)value);
                sum += p switch
                {
                    1 => magnitude,
                    2 => magnitude * magnitude,
                    _ => Math.Pow(magnitude, p),
                };
            }

            y[row] = (float)(p switch
            {
                1 => sum,
                2 => Math.Sqrt(sum),
                _ => Math.Pow(sum, 1.0 / p),
            });
        }
    }

    /// <summary>Applies <paramref name="kind"/> to the values of <paramref name="x"/> at <paramref name="offsets"/>.</summary>
    private static float ReduceOne(ReadOnlySpan<float> x, ReadOnlySpan<int> offsets, ReductionKind kind)
    {
        switch (kind)
        {
            case ReductionKind.Max:
            {
                float maximum = float.NegativeInfinity;
                foreach (int offset in offsets)
                {
                    float value = x[offset];
                    if (value > maximum || float.IsNaN(value))
                    {
                        maximum = value;
                        if (float.IsNaN(value))
                        {
                            break;
                        }
                    }
                }

                return maximum;
            }

            case ReductionKind.Min:
            {
                float minimum = float.PositiveInfinity;
                foreach (int offset in offsets)
                {
                    float value = x[offset];
                    if (value < minimum || float.IsNaN(value))
                    {
                        minimum = value;
                        if (float.IsNaN(value))
                        {
                            break;
                        }
                    }
                }

                return minimum;
            }

            case ReductionKind.Product:
            {
                double product = 1;
                foreach (int offset in offsets)
                {
                    product *= x[offset];
                }

                return (float)product;
            }

            case ReductionKind.LogSumExp:
                return LogSumExp(x, offsets);

            default:
                return ReduceSumLike(x, offsets, kind);
        }
    }

    /// <summary>Applies the kinds that sum a function of each value: Sum, Mean, L1, L2, SumSquare and LogSum.</summary>
    private static float ReduceSumLike(ReadOnlySpan<float> x, ReadOnlySpan<int> offsets, ReductionKind kind)
    {
        double sum = 0;
        switch (kind)
        {
            case ReductionKind.L1:
                foreach (int offset in offsets)
                {
                    sum += Math.Abs(x[offset]);
                }

                break;

            case ReductionKind.L2:
            case ReductionKind.SumSquare:
                foreach (int offset in offsets)
                {
                    double value = x[offset];
                    sum += value * value;
                }

                break;

            default:
                foreach (int offset in offsets)
                {
                    sum += x[offset];
                }

                break;
        }

        return kind switch
        {
            ReductionKind.Mean => (float)(sum / offsets.Length),
            ReductionKind.L2 => (float)Math.Sqrt(sum),
            ReductionKind.LogSum => (float)Math.Log(sum),
            ReductionKind.Sum or ReductionKind.L1 or ReductionKind.SumSquare => (float)sum,
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Invalid reduction kind: it is not a sum of a function of each value."),
        };
    }

    private static float LogSumExp(ReadOnlySpan<float> x, ReadOnlySpan<int> offsets)
    {
        float maximum = float.NegativeInfinity;
        foreach (int offset in offsets)
        {
            float value = x[offset];
            if (value > maximum || float.IsNaN(value))
            {
                maximum = value;
            }
        }

        // All values −∞ (or none) give −∞, and any +∞ gives +∞. Subtracting an infinite maximum would give NaN instead.
        if (float.IsInfinity(maximum) || float.IsNaN(maximum))
        {
            return maximum;
        }

        double sum = 0;
        foreach (int offset in offsets)
        {
            sum += Math.Exp((double)x[offset] - maximum);
        }

        return (float)(maximum + Math.Log(sum));
    }

    /// <summary>
    /// Checks <paramref name="x"/> against the shape and the mask and returns the number of output values and the
    /// number of input values that each of them reduces.
    /// </summary>
    internal static (int KeptCount, int ReducedCount) CheckShape(ReadOnlySpan<float> x, ReadOnlySpan<int> shape, int reducedAxes)
    {
        if (shape.Length > 31)
        {
            throw new ArgumentException($"Invalid shape: rank {shape.Length} is more than the 31 axes a mask can name.", nameof(shape));
        }

        if (reducedAxes < 0 || (shape.Length < 31 && reducedAxes >> shape.Length != 0))
        {
            throw new ArgumentException($"Invalid axis mask 0x{reducedAxes:X}: it names an axis past the rank {shape.Length}.", nameof(reducedAxes));
        }

        long kept = 1;
        long reduced = 1;
        for (int axis = 0; axis < shape.Length; axis++)
        {
            SpanChecks.RequireNonNegative($"shape[{axis}]", shape[axis], "shape");
            if ((reducedAxes & (1 << axis)) != 0)
            {
                reduced *= shape[axis];
            }
            else
            {
                kept *= shape[axis];
            }
        }

        SpanChecks.RequireLength(nameof(x), x.Length, kept * reduced, $"shape {string.Join("×", shape.ToArray())}");
        return ((int)kept, (int)reduced);
    }

    /// <summary>
    /// Writes the row-major offset in the input of every position of the axes selected by <paramref name="reduced"/>
    /// (the reduced axes when true, the kept axes when false), with the other axes at 0, in row-major order.
    /// </summary>
    internal static void FillOffsets(ReadOnlySpan<int> shape, int reducedAxes, bool reduced, Span<int> offsets)
    {
        int rank = shape.Length;
        Span<int> strides = stackalloc int[rank];
        int stride = 1;
        for (int axis = rank - 1; axis >= 0; axis--)
        {
            strides[axis] = stride;
            stride *= shape[axis];
        }

        Span<int> index = stackalloc int[rank];
        index.Clear();
        int current = 0;
        for (int i = 0; i < offsets.Length; i++)
        {
            offsets[i] = current;

            // Advance the odometer over the selected axes, last axis fastest.
            for (int axis = rank - 1; axis >= 0; axis--)
            {
                if (((reducedAxes & (1 << axis)) != 0) != reduced)
                {
                    continue;
                }

                index[axis]++;
                current += strides[axis];
                if (index[axis] < shape[axis])
                {
                    break;
                }

                current -= index[axis] * strides[axis];
                index[axis] = 0;
            }
        }
    }
}
