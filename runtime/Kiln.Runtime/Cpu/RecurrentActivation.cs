namespace Kiln.Cpu;

/// <summary>The activation functions that the ONNX recurrent operators (RNN, GRU, LSTM) accept for their gates.</summary>
public enum RecurrentActivationKind
{
    /// <summary>max(x, 0).</summary>
    Relu,

    /// <summary>tanh(x).</summary>
    Tanh,

    /// <summary>1 / (1 + e^(−x)).</summary>
    Sigmoid,

    /// <summary>alpha·x + beta.</summary>
    Affine,

    /// <summary>x where x ≥ 0, alpha·x otherwise.</summary>
    LeakyRelu,

    /// <summary>x where x &gt; alpha, 0 otherwise.</summary>
    ThresholdedRelu,

    /// <summary>alpha·tanh(beta·x).</summary>
    ScaledTanh,

    /// <summary>max(0, min(1, alpha·x + beta)).</summary>
    HardSigmoid,

    /// <summary>x where x ≥ 0, alpha·(eˣ − 1) otherwise.</summary>
    Elu,

    /// <summary>x / (1 + |x|).</summary>
    Softsign,

    /// <summary>ln(1 + eˣ).</summary>
    Softplus,
}

/// <summary>One gate activation of a recurrent operator, with the alpha and beta that some kinds take (ignored by the others).</summary>
/// <param name="Kind">The function.</param>
/// <param name="Alpha">The first parameter of Affine, LeakyRelu, ThresholdedRelu, ScaledTanh, HardSigmoid and Elu.</param>
/// <param name="Beta">The second parameter of Affine, ScaledTanh and HardSigmoid.</param>
public readonly record struct RecurrentActivation(RecurrentActivationKind Kind, float Alpha, float Beta)
{
    /// <summary>Replaces every value by the activation of it.</summary>
    internal void ApplyInPlace(Span<float> values)
    {
        switch (Kind)
        {
            case RecurrentActivationKind.Relu:
                Elementwise.Unary<ReluOperator>(values, values);
                break;
            case RecurrentActivationKind.Tanh:
                Elementwise.Unary<TanhOperator>(values, values);
                break;
            case RecurrentActivationKind.Sigmoid:
                Elementwise.Unary<SigmoidOperator>(values, values);
                break;
            case RecurrentActivationKind.Affine:
                for (int i = 0; i < values.Length; i++)
                {
                    values[i] = Alpha * values[i] + Beta;
                }

                break;
            case RecurrentActivationKind.LeakyRelu:
                Activation.LeakyRelu(values, values, Alpha);
                break;
            case RecurrentActivationKind.ThresholdedRelu:
                Activation.ThresholdedRelu(values, values, Alpha);
                break;
            case RecurrentActivationKind.ScaledTanh:
                for (int i = 0; i < values.Length; i++)
                {
                    values[i] = Alpha * MathF.Tanh(Beta * values[i]);
                }

                break;
            case RecurrentActivationKind.HardSigmoid:
                Activation.HardSigmoid(values, values, Alpha, Beta);
                break;
            case RecurrentActivationKind.Elu:
                Activation.Elu(values, values, Alpha);
                break;
            case RecurrentActivationKind.Softsign:
                Elementwise.Unary<SoftsignOperator>(values, values);
                break;
            case RecurrentActivationKind.Softplus:
                Elementwise.Unary<SoftplusOperator>(values, values);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(Kind), Kind, "Unknown recurrent activation.");
        }
    }
}
