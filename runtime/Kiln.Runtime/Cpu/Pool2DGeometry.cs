namespace Kiln.Cpu;

/// <summary>Geometry of 2-D pooling over NCHW tensors.</summary>
/// <param name="Batch">Number of images N.</param>
/// <param name="Channels">Channels C, pooled independently.</param>
/// <param name="InHeight">Input height.</param>
/// <param name="InWidth">Input width.</param>
/// <param name="OutHeight">Output height.</param>
/// <param name="OutWidth">Output width.</param>
/// <param name="KernelHeight">Window height, in taps.</param>
/// <param name="KernelWidth">Window width, in taps.</param>
/// <param name="StrideHeight">Vertical step between windows, in input rows.</param>
/// <param name="StrideWidth">Horizontal step between windows, in input columns.</param>
/// <param name="DilationHeight">Vertical step between taps of a window, in input rows.</param>
/// <param name="DilationWidth">Horizontal step between taps of a window, in input columns.</param>
/// <param name="PadTop">Padding rows above the input.</param>
/// <param name="PadLeft">Padding columns left of the input.</param>
/// <param name="PadBottom">Padding rows below the input.</param>
/// <param name="PadRight">Padding columns right of the input.</param>
public readonly record struct Pool2DGeometry(
    int Batch, int Channels, int InHeight, int InWidth, int OutHeight, int OutWidth,
    int KernelHeight, int KernelWidth, int StrideHeight, int StrideWidth,
    int DilationHeight, int DilationWidth,
    int PadTop, int PadLeft, int PadBottom, int PadRight)
{
    /// <summary>Throws when a size is out of range.</summary>
    internal void Validate()
    {
        SpanChecks.RequirePositive(nameof(Batch), Batch, "geometry");
        SpanChecks.RequirePositive(nameof(Channels), Channels, "geometry");
        SpanChecks.RequirePositive(nameof(InHeight), InHeight, "geometry");
        SpanChecks.RequirePositive(nameof(InWidth), InWidth, "geometry");
        SpanChecks.RequirePositive(nameof(OutHeight), OutHeight, "geometry");
        SpanChecks.RequirePositive(nameof(OutWidth), OutWidth, "geometry");
        SpanChecks.RequirePositive(nameof(KernelHeight), KernelHeight, "geometry");
        SpanChecks.RequirePositive(nameof(KernelWidth), KernelWidth, "geometry");
        SpanChecks.RequirePositive(nameof(StrideHeight), StrideHeight, "geometry");
        SpanChecks.RequirePositive(nameof(StrideWidth), StrideWidth, "geometry");
        SpanChecks.RequirePositive(nameof(DilationHeight), DilationHeight, "geometry");
        SpanChecks.RequirePositive(nameof(DilationWidth), DilationWidth, "geometry");
        SpanChecks.RequireNonNegative(nameof(PadTop), PadTop, "geometry");
        SpanChecks.RequireNonNegative(nameof(PadLeft), PadLeft, "geometry");
        SpanChecks.RequireNonNegative(nameof(PadBottom), PadBottom, "geometry");
        SpanChecks.RequireNonNegative(nameof(PadRight), PadRight, "geometry");
    }
}
