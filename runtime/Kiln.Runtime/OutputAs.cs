namespace Kiln;

/// <summary>Layout of the returned activations, named as in MATLAB's <c>activations</c> option.</summary>
public enum OutputAs
{
    /// <summary>The layer's own tensor layout, N×C×H×W for images (ONNX order).</summary>
    Channels,

    /// <summary>An N×M matrix: one row per observation, M = C·H·W in ONNX order.</summary>
    Rows,

    /// <summary>An M×N matrix: one column per observation, M = C·H·W in ONNX order.</summary>
    Columns,
}
