namespace Kiln.Cpu;

/// <summary>
/// Geometry of 3-D pooling over N×C×D×H×W tensors. Pooling with fewer spatial axes fits it with leading sizes of 1
/// and no padding on those axes, which is how the MaxPool Indices output of 1-D and 2-D pooling is computed.
/// </summary>
/// <param name="Batch">Number of images N.</param>
/// <param name="Channels">Channels C, pooled independently.</param>
/// <param name="InDepth">Input depth.</param>
/// <param name="InHeight">Input height.</param>
/// <param name="InWidth">Input width.</param>
/// <param name="OutDepth">Output depth.</param>
/// <param name="OutHeight">Output height.</param>
/// <param name="OutWidth">Output width.</param>
/// <param name="KernelDepth">Window depth, in taps.</param>
/// <param name="KernelHeight">Window height, in taps.</param>
/// <param name="KernelWidth">Window width, in taps.</param>
/// <param name="StrideDepth">Step between windows along the depth, in input planes.</param>
/// <param name="StrideHeight">Vertical step between windows, in input rows.</param>
/// <param name="StrideWidth">Horizontal step between windows, in input columns.</param>
/// <param name="DilationDepth">Step between taps of a window along the depth, in input planes.</param>
/// <param name="DilationHeight">Vertical step between taps of a window, in input rows.</param>
/// <param name="DilationWidth">Horizontal step between taps of a window, in input columns.</param>
/// <param name="PadFront">Padding planes before the input.</param>
/// <param name="PadTop">Padding rows above the input.</param>
/// <param name="PadLeft">Padding columns left of the input.</param>
/// <param name="PadBack">Padding planes after the input.</param>
/// <param name="PadBottom">Padding rows below the input.</param>
/// <param name="PadRight">Padding columns right of the input.</param>
public readonly record struct Pool3DGeometry(
    int Batch, int Channels, int InDepth, int InHeight, int InWidth, int OutDepth, int OutHeight, int OutWidth,
    int KernelDepth, int KernelHeight, int KernelWidth,
    int StrideDepth, int StrideHeight, int StrideWidth,
    int DilationDepth, int DilationHeight, int DilationWidth,
    int PadFront, int PadTop, int PadLeft, int PadBack, int PadBottom, int PadRight)
{
    /// <summary>Input positions per channel: InDepth×InHeight×InWidth.</summary>
    internal int InSpatial => InDepth * InHeight * InWidth;

    /// <summary>Output positions per channel: OutDepth×OutHeight×OutWidth.</summary>
    internal int OutSpatial => OutDepth * OutHeight * OutWidth;

    /// <summary>Throws when a size is out of range.</summary>
    internal void Validate()
    {
        SpanChecks.RequirePositive(nameof(Batch), Batch, "geometry");
        SpanChecks.RequirePositive(nameof(Channels), Channels, "geometry");
        SpanChecks.RequirePositive(nameof(InDepth), InDepth, "geometry");
        SpanChecks.RequirePositive(nameof(InHeight), InHeight, "geometry");
        SpanChecks.RequirePositive(nameof(InWidth), InWidth, "geometry");
        SpanChecks.RequirePositive(nameof(OutDepth), OutDepth, "geometry");
        SpanChecks.RequirePositive(nameof(OutHeight), OutHeight, "geometry");
        SpanChecks.RequirePositive(nameof(OutWidth), OutWidth, "geometry");
        SpanChecks.RequirePositive(nameof(KernelDepth), KernelDepth, "geometry");
        SpanChecks.RequirePositive(nameof(KernelHeight), KernelHeight, "geometry");
        SpanChecks.RequirePositive(nameof(KernelWidth), KernelWidth, "geometry");
        SpanChecks.RequirePositive(nameof(StrideDepth), StrideDepth, "geometry");
        SpanChecks.RequirePositive(nameof(StrideHeight), StrideHeight, "geometry");
        SpanChecks.RequirePositive(nameof(StrideWidth), StrideWidth, "geometry");
        SpanChecks.RequirePositive(nameof(DilationDepth), DilationDepth, "geometry");
        SpanChecks.RequirePositive(nameof(DilationHeight), DilationHeight, "geometry");
        SpanChecks.RequirePositive(nameof(DilationWidth), DilationWidth, "geometry");
        SpanChecks.RequireNonNegative(nameof(PadFront), PadFront, "geometry");
        SpanChecks.RequireNonNegative(nameof(PadTop), PadTop, "geometry");
        SpanChecks.RequireNonNegative(nameof(PadLeft), PadLeft, "geometry");
        SpanChecks.RequireNonNegative(nameof(PadBack), PadBack, "geometry");
        SpanChecks.RequireNonNegative(nameof(PadBottom), PadBottom, "geometry");
        SpanChecks.RequireNonNegative(nameof(PadRight), PadRight, "geometry");
        long input = (long)Batch * Channels * InDepth * InHeight * InWidth;
        long output = (long)Batch * Channels * OutDepth * OutHeight * OutWidth;
        if (input > Array.MaxLength || output > Array.MaxLength)
        {
            throw new ArgumentException(
                $"Invalid pooling geometry: the input ({input} floats) or output ({output}) exceeds the largest array ({Array.MaxLength}).",
                "geometry");
        }
    }
}
