using System.Collections.Generic;

namespace Kiln.Compiler.Operators;

/// <summary>Convolution-family operators beyond Conv itself, listed for <see cref="OperatorRegistry"/>.</summary>
internal static class ConvolutionOperators
{
    public static IEnumerable<Operator> All => new Operator[]
    {
        new ConvTransposeOperator(),
    };
}
