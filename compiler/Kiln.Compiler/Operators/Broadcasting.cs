using System;

namespace Kiln.Compiler.Operators;

/// <summary>ONNX multidirectional (numpy-style) broadcasting of shapes.</summary>
internal static class Broadcasting
{
    /// <summary>The broadcast shape of <paramref name="a"/> and <paramref name="b"/>, or null when they are incompatible.</summary>
    public static int[]? Shape(int[] a, int[] b)
    {
        int rank = Math.Max(a.Length, b.Length);
        var shape = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int da = i < rank - a.Length ? 1 : a[i - (rank - a.Length)];
            int db = i < rank - b.Length ? 1 : b[i - (rank - b.Length)];
            if (da != db && da != 1 && db != 1)
            {
                return null;
            }

            shape[i] = da == 1 ? db : da;
        }

        return shape;
    }

    /// <summary>Element strides of <paramref name="input"/> along each axis of <paramref name="output"/>; 0 where the input is broadcast.</summary>
    public static int[] Strides(int[] input, int[] output)
    {
        var strides = new int[output.Length];
        int stride = 1;
        for (int i = output.Length - 1; i >= 0; i--)
        {
            int inputAxis = i - (output.Length - input.Length);
            int dim = inputAxis >= 0 ? input[inputAxis] : 1;
            strides[i] = dim == 1 ? 0 : stride;
            stride *= dim;
        }

        return strides;
    }
}
