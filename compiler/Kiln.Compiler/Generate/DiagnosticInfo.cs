using System;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace Kiln.Compiler.Generate;

/// <summary>A diagnostic held as plain values (descriptor, location, message arguments), equatable for caching.</summary>
internal sealed record DiagnosticInfo(DiagnosticDescriptor Descriptor, LocationInfo? Location, EquatableArray<string> Arguments)
{
    public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, LocationInfo? location, params string[] arguments) =>
        new DiagnosticInfo(descriptor, location, EquatableArray.From(arguments));

    public Diagnostic ToDiagnostic() =>
        Diagnostic.Create(Descriptor, Location?.ToLocation() ?? Microsoft.CodeAnalysis.Location.None, Arguments.Cast<object>().ToArray());

    public bool Equals(DiagnosticInfo? other) =>
        other is not null && Descriptor.Id == other.Descriptor.Id && Equals(Location, other.Location) && Arguments.Equals(other.Arguments);

    public override int GetHashCode() => HashCode(Descriptor.Id.GetHashCode(), Arguments.GetHashCode());

    private static int HashCode(int a, int b) => unchecked((a * 397) ^ b);
}
