namespace Kiln.Cpu;

/// <summary>
/// Geometry of a 3-D transposed convolution over N×C×D×H×W tensors. Input position (d, h, w) adds its contribution
/// through filter tap (kd, kh, kw) to output position (d·StrideDepth + kd·DilationDepth − PadFront,
/// h·StrideHeight + kh·DilationHeight − PadTop, w·StrideWidth + kw·DilationWidth − PadLeft). Contributions that land
/// outside the output are dropped. The padding at the back, bottom and right is implied by the output sizes.
/// </summary>
/// <param name="Batch">Number of images N.</param>
/// <param name="InChannels">Input channels C.</param>
/// <param name="InDepth">Input depth D.</param>
/// <param name="InHeight">Input height H.</param>
/// <param name="InWidth">Input width W.</param>
/// <param name="OutChannels">Output channels M.</param>
/// <param name="OutDepth">Output depth.</param>
/// <param name="OutHeight">Output height.</param>
/// <param name="OutWidth">Output width.</param>
/// <param name="KernelDepth">Filter depth.</param>
/// <param name="KernelHeight">Filter height.</param>
/// <param name="KernelWidth">Filter width.</param>
/// <param name="StrideDepth">Output planes between the contributions of neighboring input planes.</param>
/// <param name="StrideHeight">Output rows between the contributions of neighboring input rows.</param>
/// <param name="StrideWidth">Output columns between the contributions of neighboring input columns.</param>
/// <param name="DilationDepth">Output planes between neighboring filter taps.</param>
/// <param name="DilationHeight">Output rows between neighboring filter taps.</param>
/// <param name="DilationWidth">Output columns between neighboring filter taps.</param>
/// <param name="PadFront">
/// Planes removed from the front of the full result. A negative value adds planes there instead, which ONNX
/// produces when an explicit output_shape is larger than the full result.
/// </param>
/// <param name="PadTop">Rows removed from the top of the full result, or added there when negative.</param>
/// <param name="PadLeft">Columns removed from the left of the full result, or added there when negative.</param>
/// <param name="Groups">Number of groups. InChannels and OutChannels must both be multiples of it.</param>
public readonly record struct TransposedConv3DGeometry(
    int Batch, int InChannels, int InDepth, int InHeight, int InWidth,
    int OutChannels, int OutDepth, int OutHeight, int OutWidth,
    int KernelDepth, int KernelHeight, int KernelWidth,
    int StrideDepth, int StrideHeight, int StrideWidth,
    int DilationDepth, int DilationHeight, int DilationWidth,
    int PadFront, int PadTop, int PadLeft,
    int Groups)
{
    /// <summary>Input channels per group.</summary>
    internal int GroupInChannels => InChannels / Groups;

    /// <summary>Output channels per group.</summary>
    internal int GroupOutChannels => OutChannels / Groups;

    /// <summary>Filter taps per channel pair: KernelDepth×KernelHeight×KernelWidth.</summary>
    internal int FilterVolume => KernelDepth * KernelHeight * KernelWidth;

    /// <summary>Input positions per channel: InDepth×InHeight×InWidth.</summary>
    internal int InSpatial => InDepth * InHeight * InWidth;

    /// <summary>Output positions per channel: OutDepth×OutHeight×OutWidth.</summary>
    internal int OutSpatial => OutDepth * OutHeight * OutWidth;

    /// <summary>Throws when a size is out of range or the channels do not divide into the groups.</summary>
    internal void Validate()
    {
        SpanChecks.RequirePositive(nameof(Batch), Batch, "geometry");
        SpanChecks.RequirePositive(nameof(InChannels), InChannels, "geometry");
        SpanChecks.RequirePositive(nameof(InDepth), InDepth, "geometry");
        SpanChecks.RequirePositive(nameof(InHeight), InHeight, "geometry");
        SpanChecks.RequirePositive(nameof(InWidth), InWidth, "geometry");
        SpanChecks.RequirePositive(nameof(OutChannels), OutChannels, "geometry");
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
        SpanChecks.RequirePositive(nameof(Groups), Groups, "geometry");
        if (InChannels % Groups != 0 || OutChannels % Groups != 0)
        {
            throw new ArgumentException(
                $"Invalid transposed convolution geometry: InChannels ({InChannels}) and OutChannels ({OutChannels}) must both be multiples of Groups ({Groups}).",
                "geometry");
        }

        long weights = (long)InChannels * (OutChannels / Groups) * KernelDepth * KernelHeight * KernelWidth;
        long input = (long)Batch * InChannels * InDepth * InHeight * InWidth;
        long output = (long)Batch * OutChannels * OutDepth * OutHeight * OutWidth;
        if (weights > Array.MaxLength || input > Array.MaxLength || output > Array.MaxLength)
        {
            throw new ArgumentException(
                $"Invalid transposed convolution geometry: the input ({input} floats), output ({output}) or weights ({weights}) exceed the largest array ({Array.MaxLength}).",
                "geometry");
        }
    }
}
