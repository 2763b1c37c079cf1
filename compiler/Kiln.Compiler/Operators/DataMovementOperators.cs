using System.Collections.Generic;

namespace Kiln.Compiler.Operators;

/// <summary>Operators of one family, listed for <see cref="OperatorRegistry"/>.</summary>
internal static class DataMovementOperators
{
    public static IEnumerable<Operator> All => new Operator[]
    {
    };
}
