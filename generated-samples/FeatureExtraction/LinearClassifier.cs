using Microsoft.ML;
using Microsoft.ML.Data;

namespace Kiln.Samples.FeatureExtraction;

/// <summary>A multiclass linear classifier over feature vectors: min-max scaling, then maximum entropy (multinomial logistic regression) trained by ML.NET with L-BFGS.</summary>
internal sealed class LinearClassifier
{
    private readonly MLContext _ml;
    private readonly ITransformer _model;
    private readonly int _width;

    private LinearClassifier(MLContext ml, ITransformer model, int width)
    {
        _ml = ml;
        _model = model;
        _width = width;
    }

    /// <summary>Trains on feature rows and their labels, one label per row.</summary>
    public static LinearClassifier Train(float[,] features, string[] labels, int seed)
    {
        var ml = new MLContext(seed);
        int width = features.GetLength(1);
        IDataView data = ml.Data.LoadFromEnumerable(ToRows(features, labels), Schema(width));
        var pipeline = ml.Transforms.Conversion.MapValueToKey(nameof(FeatureRow.Label))
            .Append(ml.Transforms.NormalizeMinMax(nameof(FeatureRow.Features)))
            .Append(ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(nameof(FeatureRow.Label), nameof(FeatureRow.Features)))
            .Append(ml.Transforms.Conversion.MapKeyToValue(nameof(Prediction.PredictedLabel)));
        return new LinearClassifier(ml, pipeline.Fit(data), width);
    }

    /// <summary>The predicted label of each feature row.</summary>
    public string[] Predict(float[,] features)
    {
        string[] unknown = Enumerable.Repeat(string.Empty, features.GetLength(0)).ToArray();
        IDataView data = _ml.Data.LoadFromEnumerable(ToRows(features, unknown), Schema(_width));
        IDataView scored = _model.Transform(data);
        return _ml.Data.CreateEnumerable<Prediction>(scored, reuseRowObject: false).Select(p => p.PredictedLabel).ToArray();
    }

    private static SchemaDefinition Schema(int width)
    {
        SchemaDefinition schema = SchemaDefinition.Create(typeof(FeatureRow));
        schema[nameof(FeatureRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, width);
        return schema;
    }

    private static IEnumerable<FeatureRow> ToRows(float[,] features, string[] labels)
    {
        for (int row = 0; row < features.GetLength(0); row++)
        {
            var values = new float[features.GetLength(1)];
            for (int column = 0; column < values.Length; column++)
            {
                values[column] = features[row, column];
            }

            yield return new FeatureRow { Label = labels[row], Features = values };
        }
    }

    private sealed class FeatureRow
    {
        public string Label { get; set; } = string.Empty;

        public float[] Features { get; set; } = [];
    }

    private sealed class Prediction
    {
        public string PredictedLabel { get; set; } = string.Empty;
    }
}
