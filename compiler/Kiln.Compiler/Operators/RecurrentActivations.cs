using System;
using System.Collections.Generic;
using System.Linq;
using Kiln.Compiler.Emit;
using Kiln.Compiler.Graph;

namespace Kiln.Compiler.Operators;

/// <summary>One gate activation of a recurrent operator as the runtime's RecurrentActivationKind names it, with its parameters.</summary>
internal sealed record RecurrentActivation(string Kind, float Alpha, float Beta)
{
    /// <summary>The C# expression that builds the runtime's RecurrentActivation.</summary>
    public string Expression =>
        $"new({CpuEmitContext.Kernels}RecurrentActivationKind.{Kind}, {Literals.Float(Alpha)}, {Literals.Float(Beta)})";
}

/// <summary>
/// Reads the <c>activations</c>, <c>activation_alpha</c> and <c>activation_beta</c> attributes of RNN, GRU and LSTM.
/// </summary>
/// <remarks>
/// The ONNX specification states that the alpha and beta values are consumed in the order of the activation functions.
/// Kiln reads that as ONNX Runtime does: each function that takes an alpha (or beta) takes the next value in the list,
/// and a function finds its operator's default once the list runs out. Functions without parameters consume nothing.
/// </remarks>
internal static class RecurrentActivations
{
    /// <summary>The functions the specification lists, by their ONNX names, with the default alpha and beta of the ONNX operator of the same name.</summary>
    private static readonly (string Name, float? Alpha, float? Beta)[] Known =
    {
        ("Relu", null, null),
        ("Tanh", null, null),
        ("Sigmoid", null, null),
        ("Affine", 1f, 0f),
        ("LeakyRelu", 0.01f, null),
        ("ThresholdedRelu", 1f, null),
        ("ScaledTanh", 1f, 1f),
        ("HardSigmoid", 0.2f, 0.5f),
        ("Elu", 1f, null),
        ("Softsign", null, null),
        ("Softplus", null, null),
    };

    /// <summary>
    /// The activations of every direction, direction 0 first, or the operator's defaults repeated for each direction.
    /// </summary>
    /// <param name="defaults">The functions of one direction when the attribute is absent, such as Sigmoid, Tanh, Tanh for LSTM.</param>
    public static RecurrentActivation[] Read(Node node, ShapeContext context, string[] defaults, int directions)
    {
        string[] names = node.GetStrings(context, "activations") ?? Enumerable.Repeat(defaults, directions).SelectMany(list => list).ToArray();
        int expected = defaults.Length * directions;
        if (names.Length != expected)
        {
            throw context.Error(node, $"attribute 'activations' lists {names.Length} functions, but {node.OpType} with {directions} direction(s) needs {expected} ({string.Join(", ", defaults)} for each direction)");
        }

        var alphas = new Queue<float>(node.GetFloats(context, "activation_alpha") ?? Array.Empty<float>());
        var betas = new Queue<float>(node.GetFloats(context, "activation_beta") ?? Array.Empty<float>());
        var activations = new RecurrentActivation[names.Length];
        for (int i = 0; i < names.Length; i++)
        {
            (string Name, float? Alpha, float? Beta) function = Find(node, context, names[i]);
            float alpha = Parameter(function.Alpha, alphas);
            float beta = Parameter(function.Beta, betas);
            activations[i] = new RecurrentActivation(function.Name, alpha, beta);
        }

        return activations;
    }

    /// <summary>
    /// The next listed value for a function that takes the parameter, its default once the list is used up, or 0 for a
    /// function without the parameter.
    /// </summary>
    private static float Parameter(float? defaultValue, Queue<float> listed)
    {
        if (defaultValue is null)
        {
            return 0f;
        }

        return listed.Count > 0 ? listed.Dequeue() : defaultValue.Value;
    }

    private static (string Name, float? Alpha, float? Beta) Find(Node node, ShapeContext context, string name)
    {
        foreach ((string Name, float? Alpha, float? Beta) function in Known)
        {
            if (string.Equals(function.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return function;
            }
        }

        throw context.Error(node, $"attribute 'activations' names '{name}', which Kiln does not support. Use one of {string.Join(", ", Known.Select(function => function.Name))}");
    }
}
