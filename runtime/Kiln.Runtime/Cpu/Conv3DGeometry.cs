namespace Kiln.Cpu;

/// <summary>
/// Geometry of a 3-D convolution over N×C×D×H×W tensors. Padding at the back, bottom and right is implied by
/// <see cref="OutDepth"/>, <see cref="OutHeight"/> and <see cref="OutWidth"/>: positions outside the input read as zero.
/// </summary>
/// <param name="Batch">Number of images N.</param>
/// <param name="InChannels">Input channels C.</param>
/// <param name="InDepth">Input depth D.</param>
/// <param name="InHeight">Input height H.</param>
/// <param name="InWidth">Input width W.</param>
/// <param name="OutChannels">Output channels M, the number of filters.</param>
/// <param name="OutDepth">Output depth.</param>
/// <param name="OutHeight">Output height.</param>
/// <param name="OutWidth">Output width.</param>
/// <param name="KernelDepth">Filter depth.</param>
/// <param name="KernelHeight">Filter height.</param>
/// <param name="KernelWidth">Filter width.</param>
/// <param name="StrideDepth">Step between output planes, in input planes.</param>
/// <param name="StrideHeight">Vertical step between output rows, in input rows.</param>
/// <param name="StrideWidth">Horizontal step between output columns, in input columns.</param>
/// <param name="DilationDepth">Step between filter taps along the depth, in input planes.</param>
/// <param name="DilationHeight">Vertical step between filter taps, in input rows.</param>
/// <param name="DilationWidth">Horizontal step between filter taps, in input columns.</param>
/// <param name="PadFront">Zero planes added before the input.</param>
/// <param name="PadTop">Zero rows added above the input.</param>
/// <param name="PadLeft">Zero columns added left of the input.</param>
/// <param name="Groups">Number of groups. InChannels and OutChannels must both be multiples of it.</param>
public readonly record struct Conv3DGeometry(
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

    /// <summary>Rows of the unfolded input of one group: GroupInChannels×KernelDepth×KernelHeight×KernelWidth.</summary>
    internal int GroupDepth => GroupInChannels * KernelDepth * KernelHeight * KernelWidth;

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
        SpanChecks.RequireNonNegative(nameof(PadFront), PadFront, "geometry");
        SpanChecks.RequireNonNegative(nameof(PadTop), PadTop, "geometry");
        SpanChecks.RequireNonNegative(nameof(PadLeft), PadLeft, "geometry");
        SpanChecks.RequirePositive(nameof(Groups), Groups, "geometry");
        if (InChannels % Groups != 0 || OutChannels % Groups != 0)
        {
            throw new ArgumentException(
                $"Invalid convolution geometry: InChannels ({InChannels}) and OutChannels ({OutChannels}) must both be multiples of Groups ({Groups}).",
                "geometry");
        }

        long depth = (long)(InChannels / Groups) * KernelDepth * KernelHeight * KernelWidth;
        long unfolded = depth * OutDepth * OutHeight * OutWidth;
        long input = (long)Batch * InChannels * InDepth * InHeight * InWidth;
        long output = (long)Batch * OutChannels * OutDepth * OutHeight * OutWidth;
        if (unfolded > Array.MaxLength || input > Array.MaxLength || output > Array.MaxLength)
        {
            throw new ArgumentException(
                $"Invalid convolution geometry: the input ({input} floats), output ({output}) or unfolded input of one group ({unfolded}) exceeds the largest array ({Array.MaxLength}).",
                "geometry");
        }
    }
}
