using System;
using Microsoft.CodeAnalysis;

namespace Kiln.Compiler.Diagnostics;

/// <summary>A build-time failure with its descriptor and message arguments; the generator turns it into a diagnostic.</summary>
internal sealed class CompilationError : Exception
{
    public CompilationError(DiagnosticDescriptor descriptor, params string[] arguments)
        : base(string.Format(descriptor.MessageFormat.ToString(), arguments))
    {
        Descriptor = descriptor;
        Arguments = arguments;
    }

    public DiagnosticDescriptor Descriptor { get; }

    public string[] Arguments { get; }
}
