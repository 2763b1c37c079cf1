namespace Kiln.Oracle.Tests;

/// <summary>Predicted classes and accuracy from class probabilities, shared by the Fashion-MNIST oracle tests.</summary>
internal static class Classification
{
    /// <summary>ONNX Runtime's N×classes probabilities as rows, one an observation.</summary>
    public static float[,] ToRows(ReferenceTensor tensor)
    {
        int rowCount = (int)tensor.Shape[0];
        int columnCount = tensor.Values.Length / rowCount;
        var rows = new float[rowCount, columnCount];
        Buffer.BlockCopy(tensor.Values, 0, rows, 0, tensor.Values.Length * sizeof(float));
        return rows;
    }

    /// <summary>The class with the highest probability in each row, the first one on a tie.</summary>
    public static int[] PredictClasses(float[,] probabilities)
    {
        var classes = new int[probabilities.GetLength(0)];
        for (int image = 0; image < classes.Length; image++)
        {
            for (int label = 1; label < probabilities.GetLength(1); label++)
            {
                if (probabilities[image, label] > probabilities[image, classes[image]])
                {
                    classes[image] = label;
                }
            }
        }

        return classes;
    }

    /// <summary>The fraction of predictions that equal their label.</summary>
    public static double Accuracy(int[] predicted, byte[] labels) =>
        (double)Enumerable.Range(0, predicted.Length).Count(image => predicted[image] == labels[image]) / predicted.Length;
}
