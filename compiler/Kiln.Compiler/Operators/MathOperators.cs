using System.Collections.Generic;

namespace Kiln.Compiler.Operators;

/// <summary>The element-wise math and activation operators beyond the basic set; <see cref="OperatorRegistry"/> includes them all.</summary>
internal static class MathOperators
{
    public static IEnumerable<Operator> All => new Operator[]
    {
    };
}
