using System.Collections.Generic;
using System.Linq;
using Kiln.Compiler.Emit;

namespace Kiln.Compiler.Operators;

/// <summary>
/// The index arithmetic of a GPU kernel that reads several inputs broadcast to one output: inside the grid-stride
/// loop over the output element <c>i</c>, it splits <c>i</c> into coordinates and sums each input's literal strides.
/// </summary>
internal static class GpuBroadcasting
{
    /// <summary>
    /// Writes the statements that compute one index per input, and returns each input's index expression. An input
    /// with the output's shape is read at <c>i</c>, so a kernel whose inputs all have that shape writes no statement.
    /// </summary>
    /// <param name="writer">The kernel body's writer.</param>
    /// <param name="output">The output shape.</param>
    /// <param name="inputs">The shape of each input and the name of the local that stores its index.</param>
    public static string[] WriteIndices(SourceWriter writer, int[] output, IReadOnlyList<(int[] Shape, string Index)> inputs)
    {
        var expressions = new string[inputs.Count];
        var strides = new int[]?[inputs.Count];
        for (int k = 0; k < inputs.Count; k++)
        {
            bool sameShape = inputs[k].Shape.SequenceEqual(output);
            expressions[k] = sameShape ? "i" : inputs[k].Index;
            strides[k] = sameShape ? null : Broadcasting.Strides(inputs[k].Shape, output);
        }

        if (expressions.All(expression => expression == "i"))
        {
            return expressions;
        }

        writer.Line("int rest = i;");
        for (int k = 0; k < inputs.Count; k++)
        {
            if (expressions[k] != "i")
            {
                writer.Line($"int {expressions[k]} = 0;");
            }
        }

        // The last axis varies fastest. An input steps by 0 along an axis it is broadcast on, so that term is left out,
        // and an axis of length 1 has only coordinate 0. What remains at the outermost longer axis is its coordinate.
        int outermost = System.Array.FindIndex(output, length => length != 1);
        for (int axis = output.Length - 1; axis >= 0; axis--)
        {
            if (output[axis] == 1)
            {
                continue;
            }

            string coordinate = $"c{axis}";
            if (axis == outermost)
            {
                writer.Line($"int {coordinate} = rest;");
            }
            else
            {
                writer.Line($"int {coordinate} = rest % {Literals.Int(output[axis])};");
                writer.Line($"rest /= {Literals.Int(output[axis])};");
            }

            for (int k = 0; k < inputs.Count; k++)
            {
                if (strides[k] is int[] inputStrides && inputStrides[axis] != 0)
                {
                    string step = inputStrides[axis] == 1 ? coordinate : $"{coordinate} * {Literals.Int(inputStrides[axis])}";
                    writer.Line($"{expressions[k]} += {step};");
                }
            }
        }

        return expressions;
    }
}
