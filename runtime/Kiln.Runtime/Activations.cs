namespace Kiln;

/// <summary>
/// The values of one layer for a set of observations, in the layout the caller chose with <see cref="OutputAs"/>.
/// </summary>
public sealed class Activations
{
    private readonly float[] _values;

    internal Activations(Layer layer, OutputAs layout, int observations, float[] channelsOrderValues)
    {
        Layer = layer;
        Layout = layout;
        Observations = observations;
        FeatureCount = layer.ElementCount;
        Shape = ShapeOf(layer, layout, observations);
        _values = layout == OutputAs.Columns ? Transpose(channelsOrderValues, observations, FeatureCount) : channelsOrderValues;
    }

    /// <summary>The layer these values belong to.</summary>
    public Layer Layer { get; }

    /// <summary>The layout of <see cref="Values"/>.</summary>
    public OutputAs Layout { get; }

    /// <summary>Number of observations N.</summary>
    public int Observations { get; }

    /// <summary>Values per observation M: the product of the layer's dimensions for one observation.</summary>
    public int FeatureCount { get; }

    /// <summary>
    /// Shape of <see cref="Values"/>: for <see cref="OutputAs.Channels"/> the layer's shape with its first
    /// (batch) dimension multiplied by N; for <see cref="OutputAs.Rows"/> N×M; for <see cref="OutputAs.Columns"/> M×N.
    /// </summary>
    public IReadOnlyList<int> Shape { get; }

    /// <summary>All values, row-major in <see cref="Shape"/>.</summary>
    public ReadOnlySpan<float> Values => _values;

    /// <summary>The values of observation <paramref name="observation"/> (M values, ONNX order).</summary>
    public float[] GetObservation(int observation)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(observation);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(observation, Observations);

        var result = new float[FeatureCount];
        if (Layout == OutputAs.Columns)
        {
            for (int feature = 0; feature < FeatureCount; feature++)
            {
                result[feature] = _values[(feature * Observations) + observation];
            }
        }
        else
        {
            _values.AsSpan(observation * FeatureCount, FeatureCount).CopyTo(result);
        }

        return result;
    }

    /// <summary>An N×M matrix with one row per observation.</summary>
    public float[,] ToRows()
    {
        var rows = new float[Observations, FeatureCount];
        for (int observation = 0; observation < Observations; observation++)
        {
            float[] values = GetObservation(observation);
            for (int feature = 0; feature < FeatureCount; feature++)
            {
                rows[observation, feature] = values[feature];
            }
        }

        return rows;
    }

    /// <summary>An M×N matrix with one column per observation.</summary>
    public float[,] ToColumns()
    {
        var columns = new float[FeatureCount, Observations];
        for (int observation = 0; observation < Observations; observation++)
        {
            float[] values = GetObservation(observation);
            for (int feature = 0; feature < FeatureCount; feature++)
            {
                columns[feature, observation] = values[feature];
            }
        }

        return columns;
    }

    /// <inheritdoc/>
    public override string ToString() => $"Activations of {Layer.Name}: {string.Join("×", Shape)} ({Layout})";

    /// <summary>A copy of <see cref="Values"/>.</summary>
    public float[] ToArray() => (float[])_values.Clone();

    private static int[] ShapeOf(Layer layer, OutputAs layout, int observations)
    {
        switch (layout)
        {
            case OutputAs.Rows:
                return [observations, layer.ElementCount];
            case OutputAs.Columns:
                return [layer.ElementCount, observations];
            default:
                if (layer.Shape.Count == 0)
                {
                    return [observations];
                }

                int[] shape = layer.Shape.ToArray();
                shape[0] *= observations;
                return shape;
        }
    }

    private static float[] Transpose(float[] rows, int rowCount, int columnCount)
    {
        var result = new float[rows.Length];
        for (int row = 0; row < rowCount; row++)
        {
            for (int column = 0; column < columnCount; column++)
            {
                result[(column * rowCount) + row] = rows[(row * columnCount) + column];
            }
        }

        return result;
    }
}
