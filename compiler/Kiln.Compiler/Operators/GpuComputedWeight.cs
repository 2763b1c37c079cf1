using System;

namespace Kiln.Compiler.Operators;

/// <summary>
/// Floats that an operator's GPU kernels read like weights but that the host computes when the network is created,
/// such as the uniform numbers behind a seeded Dropout mask. The generated program uploads them with the weights.
/// </summary>
/// <param name="Key">The name the kernels find the floats by; unique in the network and unlike any tensor name.</param>
/// <param name="Length">Floats to compute.</param>
/// <param name="Fill">Returns the C# statement, without its semicolon, that writes the floats into the given Span&lt;float&gt; expression.</param>
internal sealed record GpuComputedWeight(string Key, int Length, Func<string, string> Fill);
