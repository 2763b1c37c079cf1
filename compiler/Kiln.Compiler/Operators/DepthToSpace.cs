using Kiln.Compiler.Graph;

namespace Kiln.Compiler.Operators;

/// <summary>
/// DepthToSpace (opsets 1–17, with the mode attribute from opset 11 and DCR before) and SpaceToDepth (opsets 1–17) on
/// N×C×H×W inputs. Both are a reshape to rank 6, a transpose and a reshape back, which one strided copy does.
/// </summary>
internal sealed class DepthToSpaceOperator : StridedCopyOperator
{
    public DepthToSpaceOperator(string opType)
        : base(opType, 1, 17)
    {
    }

    private bool IsDepthToSpace => OpType == "DepthToSpace";

    public override void InferShapes(Node node, ShapeContext context)
    {
        TensorInfo x = context.NumericInput(node, 0);
        if (x.Shape.Length != 4)
        {
            throw context.Error(node, $"the input has shape {x.ShapeText}, but {OpType} needs N×C×H×W");
        }

        int b = BlockSize(node, context);
        int n = x.Shape[0], c = x.Shape[1], h = x.Shape[2], w = x.Shape[3];
        if (IsDepthToSpace)
        {
            Mode(node, context);
            if (c % (b * b) != 0)
            {
                throw context.Error(node, $"the input has {c} channels, which blocksize {b} does not divide into {b}×{b} blocks");
            }

            context.SetOutput(node, 0, x.Type, new[] { n, c / (b * b), h * b, w * b });
            return;
        }

        if (h % b != 0 || w % b != 0)
        {
            throw context.Error(node, $"the input's height {h} and width {w} must be multiples of blocksize {b}");
        }

        context.SetOutput(node, 0, x.Type, new[] { n, c * b * b, h / b, w / b });
    }

    public override string DescribeAttributes(Node node, ShapeContext context) =>
        IsDepthToSpace ? $"blocksize {BlockSize(node, context)}, mode {Mode(node, context)}" : $"blocksize {BlockSize(node, context)}";

    /// <summary>The output walked as a rank-6 tensor, and the input strides of its axes.</summary>
    protected override (int[] Shape, int[] Strides, int Offset) Copy(Node node, ShapeContext context)
    {
        int[] input = context.Input(node, 0).Shape;
        int b = BlockSize(node, context);
        int n = input[0], c = input[1], h = input[2], w = input[3];
        int channelStride = h * w;
        int batchStride = c * channelStride;
        if (IsDepthToSpace)
        {
            // The output N×C'×(H·b)×(W·b) is walked as N×C'×H×b×W×b. Block row b1, column b2 of output channel c'
            // comes from input channel (b1·b + b2)·C' + c' in DCR mode and c'·b·b + b1·b + b2 in CRD mode.
            int depth = c / (b * b);
            bool dcr = Mode(node, context) == "DCR";
            int depthStride = dcr ? channelStride : b * b * channelStride;
            int rowStride = dcr ? b * depth * channelStride : b * channelStride;
            int columnStride = dcr ? depth * channelStride : channelStride;
            return (new[] { n, depth, h, b, w, b }, new[] { batchStride, depthStride, w, rowStride, 1, columnStride }, 0);
        }

        // The output N×(C·b·b)×(H/b)×(W/b) is walked as N×b×b×C×(H/b)×(W/b). Output channel (b1·b + b2)·C + c
        // at (y, x) takes input channel c at row y·b + b1, column x·b + b2.
        return (new[] { n, b, b, c, h / b, w / b }, new[] { batchStride, w, 1, channelStride, b * w, b }, 0);
    }

    private static int BlockSize(Node node, ShapeContext context)
    {
        if (!node.Has("blocksize"))
        {
            throw context.Error(node, "the required attribute blocksize is missing");
        }

        long blockSize = node.GetInt(context, "blocksize", 0);
        if (blockSize < 1 || blockSize > 65536)
        {
            throw context.Error(node, $"blocksize {blockSize} must be between 1 and 65536");
        }

        return (int)blockSize;
    }

    private static string Mode(Node node, ShapeContext context)
    {
        string mode = context.Opset < 11 ? "DCR" : node.GetString(context, "mode", "DCR");
        if (mode != "DCR" && mode != "CRD")
        {
            throw context.Error(node, $"mode '{mode}' is invalid. Use DCR or CRD");
        }

        return mode;
    }
}
