namespace Kiln.Cpu;

/// <summary>
/// ONNX Where: y = condition ? x : otherwise, element by element, with the three inputs broadcast to the output.
/// The condition is a bool tensor held as floats; any nonzero value is true.
/// </summary>
public static class Selection
{
    /// <summary>Largest output rank, as for <see cref="Elementwise.BroadcastBinary{TOperator}"/>.</summary>
    public const int MaxRank = Elementwise.MaxRank;

    /// <summary>Selects between <paramref name="x"/> and <paramref name="otherwise"/> by <paramref name="condition"/>.</summary>
    /// <param name="condition">Condition, read at Σ i_d·conditionStrides[d].</param>
    /// <param name="conditionStrides">Element stride of the condition per output axis, 0 on broadcast axes.</param>
    /// <param name="x">Values where the condition holds.</param>
    /// <param name="xStrides">Element stride of <paramref name="x"/> per output axis.</param>
    /// <param name="otherwise">Values where it does not.</param>
    /// <param name="otherwiseStrides">Element stride of <paramref name="otherwise"/> per output axis.</param>
    /// <param name="y">Output, row-major in <paramref name="shape"/>.</param>
    /// <param name="shape">Output shape, rank 0 to <see cref="MaxRank"/>.</param>
    public static void Where(
        ReadOnlySpan<float> condition, ReadOnlySpan<int> conditionStrides,
        ReadOnlySpan<float> x, ReadOnlySpan<int> xStrides,
        ReadOnlySpan<float> otherwise, ReadOnlySpan<int> otherwiseStrides,
        Span<float> y, ReadOnlySpan<int> shape)
    {
        int rank = shape.Length;
        if (rank > MaxRank || conditionStrides.Length != rank || xStrides.Length != rank || otherwiseStrides.Length != rank)
        {
            throw new ArgumentException($"Where takes an output of rank {MaxRank} at most and one stride per output axis for each input, but got rank {rank} and {conditionStrides.Length}, {xStrides.Length} and {otherwiseStrides.Length} strides.", nameof(shape));
        }

        long count = 1;
        foreach (int dimension in shape)
        {
            count *= dimension;
        }

        SpanChecks.RequireLength(nameof(y), y.Length, count, "the product of the output shape");
        if (count == 0)
        {
            return;
        }

        RequireReach(nameof(condition), condition.Length, conditionStrides, shape);
        RequireReach(nameof(x), x.Length, xStrides, shape);
        RequireReach(nameof(otherwise), otherwise.Length, otherwiseStrides, shape);

        Span<int> position = stackalloc int[MaxRank];
        position.Clear();
        int c = 0;
        int a = 0;
        int b = 0;
        for (long i = 0; i < count; i++)
        {
            y[(int)i] = condition[c] != 0f ? x[a] : otherwise[b];

            // Step the axes like an odometer, last axis fastest.
            for (int axis = rank - 1; axis >= 0; axis--)
            {
                position[axis]++;
                c += conditionStrides[axis];
                a += xStrides[axis];
                b += otherwiseStrides[axis];
                if (position[axis] < shape[axis])
                {
                    break;
                }

                c -= conditionStrides[axis] * shape[axis];
                a -= xStrides[axis] * shape[axis];
                b -= otherwiseStrides[axis] * shape[axis];
                position[axis] = 0;
            }
        }
    }

    /// <summary>Throws unless the last element the strides reach lies within the input.</summary>
    private static void RequireReach(string name, int length, ReadOnlySpan<int> strides, ReadOnlySpan<int> shape)
    {
        long last = 0;
        for (int axis = 0; axis < shape.Length; axis++)
        {
            if (strides[axis] < 0)
            {
                throw new ArgumentException($"The strides of {name} must not be negative, but axis {axis} has {strides[axis]}.", name);
            }

            last += (long)strides[axis] * Math.Max(0, shape[axis] - 1);
        }

        if (last >= length)
        {
            throw new ArgumentException($"The strides of {name} reach element {last}, but it has {length} floats.", name);
        }
    }
}
