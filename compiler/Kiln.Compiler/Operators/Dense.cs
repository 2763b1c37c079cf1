using System;
using System.Collections.Generic;
using System.Linq;
using Kiln.Compiler.Emit;
using Kiln.Compiler.Graph;

namespace Kiln.Compiler.Operators;

/// <summary>
/// Gemm (opsets 7–17): Y = alpha·op(A)·op(B) + beta·C with unidirectional broadcasting of C; C is optional from opset 11.
/// </summary>
internal sealed class GemmOperator : Operator
{
    public GemmOperator()
        : base("Gemm", 7, 17)
    {
    }

    public override void InferShapes(Node node, ShapeContext context)
    {
        (int m, int n, _, _, _) = Compute(node, context);
        context.SetOutput(node, 0, ElementType.Float, new[] { m, n });
    }

    public override string DescribeAttributes(Node node, ShapeContext context) =>
        $"transA {node.GetInt(context, "transA", 0)}, transB {node.GetInt(context, "transB", 0)}, " +
        $"alpha {Literals.Float(node.GetFloat(context, "alpha", 1f))}, beta {Literals.Float(node.GetFloat(context, "beta", 1f))}";

    public override void EmitCpu(Node node, CpuEmitContext context)
    {
        ShapeContext shapes = context.Shapes;
        (int m, int n, int k, int cRows, int cColumns) = Compute(node, shapes);
        context.Writer.Line($"{CpuEmitContext.Kernels}Dense.Gemm(");
        context.Writer.Line($"    a: {context.ReadInput(node, 0)},");
        context.Writer.Line($"    b: {context.ReadInput(node, 1)},");
        context.Writer.Line($"    c: {context.ReadOptionalInput(node, 2)},");
        context.Writer.Line($"    y: {context.WriteOutput(node, 0)},");
        context.Writer.Line($"    m: {m}, n: {n}, k: {k}, " +
            $"transA: {Literals.Bool(node.GetInt(shapes, "transA", 0) != 0)}, transB: {Literals.Bool(node.GetInt(shapes, "transB", 0) != 0)}, " +
            $"alpha: {Literals.Float(node.GetFloat(shapes, "alpha", 1f))}, beta: {Literals.Float(node.GetFloat(shapes, "beta", 1f))}, " +
            $"cRows: {cRows}, cColumns: {cColumns});");
    }

    public override bool HasGpuKernels => true;

    /// <summary>
    /// Writes one kernel that runs the product through <c>TiledGemm</c>, tiled in shared memory. A single-row product
    /// (M = 1, a dense layer on one observation) runs once for all observations of a launch, one row each, so that the
    /// tiles' rows are used.
    /// </summary>
    public override void EmitGpu(Node node, GpuEmitContext context)
    {
        ShapeContext shapes = context.Shapes;
        (int m, int n, int k, int cRows, int cColumns) = Compute(node, shapes);
        bool hasC = node.OptionalInput(2) is not null;
        string gemm = $"{GpuEmitContext.Runtime}TiledGemm";
        SourceWriter writer = context.Writer;
        if (m == 1)
        {
            EmitObservationGemm(node, context, n, k, cColumns);
            return;
        }

        using (context.Kernel(node, "Gemm", $"{gemm}.Tiles(batches: 1, m: {m}, n: {n})"))
        {
            writer.Line($"var operands = new {GpuEmitContext.Runtime}GemmOperands");
            writer.Line("{");
            writer.Line($"    A = {context.ReadInput(node, 0)},");
            writer.Line($"    B = {context.ReadInput(node, 1)},");
            writer.Line(hasC ? $"    C = {context.ReadInput(node, 2)}," : "    C = default,");
            writer.Line($"    Y = {context.WriteOutput(node, 0)},");
            writer.Line($"    HasC = {Literals.Bool(hasC)}, TransposeA = {Literals.Bool(node.GetInt(shapes, "transA", 0) != 0)}, TransposeB = {Literals.Bool(node.GetInt(shapes, "transB", 0) != 0)},");
            writer.Line($"    M = {m}, N = {n}, K = {k}, CRows = {cRows}, CColumns = {cColumns},");
            writer.Line($"    Alpha = {Literals.Float(node.GetFloat(shapes, "alpha", 1f))}, Beta = {Literals.Float(node.GetFloat(shapes, "beta", 1f))},");
            writer.Line("};");
            writer.Line($"{gemm}.Run(operands, batches: 1, m: {m}, n: {n}, k: {k});");
        }
    }

    private static void EmitObservationGemm(Node node, GpuEmitContext context, int n, int k, int cColumns)
    {
        ShapeContext shapes = context.Shapes;
        bool hasC = node.OptionalInput(2) is not null;
        string gemm = $"{GpuEmitContext.Runtime}TiledGemm";
        SourceWriter writer = context.Writer;
        (string a, int aStride) = context.ReadRows(node, node.Inputs[0]);
        (string y, int yStride) = context.ReadRows(node, node.Outputs[0]);
        using (context.Kernel(node, "Gemm", $"{gemm}.Tiles(batches: 1, m: {gemm}.TileRows, n: {n})", spansObservations: true))
        {
            // With one row, a transposed A (K×1) is stored like an untransposed one (1×K).
            writer.Line($"var operands = new {GpuEmitContext.Runtime}ObservationGemmOperands");
            writer.Line("{");
            writer.Line($"    A = {a}, ARowStride = {aStride},");
            writer.Line($"    B = {context.ReadInput(node, 1)},");
            writer.Line(hasC ? $"    C = {context.ReadInput(node, 2)}," : "    C = default,");
            writer.Line($"    Y = {y}, YRowStride = {yStride},");
            writer.Line($"    HasC = {Literals.Bool(hasC)}, TransposeB = {Literals.Bool(node.GetInt(shapes, "transB", 0) != 0)},");
            writer.Line($"    N = {n}, K = {k}, CColumns = {cColumns},");
            writer.Line($"    Alpha = {Literals.Float(node.GetFloat(shapes, "alpha", 1f))}, Beta = {Literals.Float(node.GetFloat(shapes, "beta", 1f))},");
            writer.Line("};");
            writer.Line($"{gemm}.Run(operands, batches: 1, m: observations, n: {n}, k: {k});");
        }
    }

    private static (int M, int N, int K, int CRows, int CColumns) Compute(Node node, ShapeContext context)
    {
        TensorInfo a = context.FloatInput(node, 0);
        TensorInfo b = context.FloatInput(node, 1);
        if (a.Shape.Length != 2 || b.Shape.Length != 2)
        {
            throw context.Error(node, $"A has shape {a.ShapeText} and B {b.ShapeText}, but Gemm needs two matrices");
        }

        bool transA = node.GetInt(context, "transA", 0) != 0;
        bool transB = node.GetInt(context, "transB", 0) != 0;
        int m = transA ? a.Shape[1] : a.Shape[0];
        int k = transA ? a.Shape[0] : a.Shape[1];
        int kB = transB ? b.Shape[1] : b.Shape[0];
        int n = transB ? b.Shape[0] : b.Shape[1];
        if (k != kB)
        {
            throw context.Error(node, $"op(A) is {m}×{k} but op(B) is {kB}×{n}, but their inner dimensions must agree");
        }

        TensorInfo? c = node.OptionalInput(2) is null ? null : context.FloatInput(node, 2);
        int cRows = 1;
        int cColumns = 1;
        if (c is not null)
        {
            int[] shape = c.Shape;
            if (shape.Length > 2)
            {
                throw context.Error(node, $"C has shape {c.ShapeText}, but it must broadcast to {m}×{n}");
            }

            cRows = shape.Length == 2 ? shape[0] : 1;
            cColumns = shape.Length >= 1 ? shape[shape.Length - 1] : 1;
            if ((cRows != 1 && cRows != m) || (cColumns != 1 && cColumns != n))
            {
                throw context.Error(node, $"C has shape {c.ShapeText}, but it must broadcast to {m}×{n}");
            }
        }

        return (m, n, k, cRows, cColumns);
    }
}

/// <summary>MatMul (opsets 1–17): numpy matrix product with 1-D promotion and broadcast batch dimensions.</summary>
internal sealed class MatMulOperator : Operator
{
    /// <summary>Batched products are emitted as one call per matrix pair; more than this many is rejected to keep generated code small.</summary>
    private const int MaxUnrolledBatches = 256;

    public MatMulOperator()
        : base("MatMul", 1, 17)
    {
    }

    public override void InferShapes(Node node, ShapeContext context)
    {
        context.SetOutput(node, 0, ElementType.Float, Compute(node, context).Output);
    }

    public override void EmitCpu(Node node, CpuEmitContext context)
    {
        Layout layout = Compute(node, context.Shapes);
        string a = context.ReadInput(node, 0);
        string b = context.ReadInput(node, 1);
        string y = context.WriteOutput(node, 0);
        int batches = layout.Batch.Aggregate(1, (p, d) => p * d);
        int[] aStrides = Broadcasting.Strides(layout.ABatch, layout.Batch);
        int[] bStrides = Broadcasting.Strides(layout.BBatch, layout.Batch);
        for (int batch = 0; batch < batches; batch++)
        {
            int aIndex = 0;
            int bIndex = 0;
            int remainder = batch;
            for (int axis = layout.Batch.Length - 1; axis >= 0; axis--)
            {
                int coordinate = remainder % layout.Batch[axis];
                remainder /= layout.Batch[axis];
                aIndex += coordinate * aStrides[axis];
                bIndex += coordinate * bStrides[axis];
            }

            string aSlice = batches == 1 ? a : $"{a}.Slice({aIndex * layout.M * layout.K}, {layout.M * layout.K})";
            string bSlice = batches == 1 ? b : $"{b}.Slice({bIndex * layout.K * layout.N}, {layout.K * layout.N})";
            string ySlice = batches == 1 ? y : $"{y}.Slice({batch * layout.M * layout.N}, {layout.M * layout.N})";
            context.Writer.Line($"{CpuEmitContext.Kernels}Dense.MatMul({aSlice}, {bSlice}, {ySlice}, m: {layout.M}, k: {layout.K}, n: {layout.N});");
        }
    }

    public override bool HasGpuKernels => true;

    /// <summary>
    /// Writes one kernel that runs every matrix pair of the product through <c>TiledGemm</c>, tiled in shared memory.
    /// The batch axes are first reduced to the fewest that keep A's and B's strides regular. When B is one matrix
    /// shared by every batch, A's matrices are stacked into one tall product, so that small M still fills the tiles,
    /// and a single row by a weight matrix runs as one product over the observations.
    /// </summary>
    public override void EmitGpu(Node node, GpuEmitContext context)
    {
        Layout layout = Compute(node, context.Shapes);
        if (layout.M == 0 || layout.N == 0)
        {
            throw context.Unsupported(node, "the product has no elements, and the GPU kernels launch at least one thread");
        }

        List<(int Size, int AStride, int BStride)> axes = CollapseBatch(layout);
        if (axes.Count > 3)
        {
            throw context.Unsupported(node, $"the batch dimensions of A ({string.Join("×", layout.ABatch)}) and B ({string.Join("×", layout.BBatch)}) broadcast in {axes.Count} alternating runs, but the GPU kernels take at most 3");
        }

        int m = layout.M;
        int batches = axes.Aggregate(1, (product, axis) => product * axis.Size);
        if (axes.Count == 1 && axes[0].AStride == 1 && axes[0].BStride == 0)
        {
            m *= batches;
            batches = 1;
            axes.Clear();
        }

        if (m == 1 && batches == 1 && context.ReadRows(node, node.Inputs[1]).RowStride == 0)
        {
            EmitObservationProduct(node, context, layout);
            return;
        }

        while (axes.Count < 3)
        {
            axes.Insert(0, (1, 0, 0));
        }

        int aMatrix = layout.M * layout.K;
        int bMatrix = layout.K * layout.N;
        string gemm = $"{GpuEmitContext.Runtime}TiledGemm";
        SourceWriter writer = context.Writer;
        using (context.Kernel(node, "MatMul", $"{gemm}.Tiles(batches: {batches}, m: {m}, n: {layout.N})"))
        {
            writer.Line($"var operands = new {GpuEmitContext.Runtime}BatchedGemmOperands");
            writer.Line("{");
            writer.Line($"    A = {context.ReadInput(node, 0)},");
            writer.Line($"    B = {context.ReadInput(node, 1)},");
            writer.Line($"    Y = {context.WriteOutput(node, 0)},");
            writer.Line($"    M = {m}, N = {layout.N}, K = {layout.K}, MiddleSize = {axes[1].Size}, InnerSize = {axes[2].Size},");
            writer.Line($"    AOuterStride = {axes[0].AStride * aMatrix}, AMiddleStride = {axes[1].AStride * aMatrix}, AInnerStride = {axes[2].AStride * aMatrix},");
            writer.Line($"    BOuterStride = {axes[0].BStride * bMatrix}, BMiddleStride = {axes[1].BStride * bMatrix}, BInnerStride = {axes[2].BStride * bMatrix},");
            writer.Line("};");
            writer.Line($"{gemm}.Run(operands, batches: {batches}, m: {m}, n: {layout.N}, k: {layout.K});");
        }
    }

    /// <summary>
    /// Writes a single-row product by a weight matrix (a dense layer on one observation) as one product over all
    /// observations of a launch, one row each, so that the tiles' rows are used, as Gemm does.
    /// </summary>
    private static void EmitObservationProduct(Node node, GpuEmitContext context, Layout layout)
    {
        string gemm = $"{GpuEmitContext.Runtime}TiledGemm";
        SourceWriter writer = context.Writer;
        (string a, int aStride) = context.ReadRows(node, node.Inputs[0]);
        (string y, int yStride) = context.ReadRows(node, node.Outputs[0]);
        using (context.Kernel(node, "MatMul", $"{gemm}.Tiles(batches: 1, m: {gemm}.TileRows, n: {layout.N})", spansObservations: true))
        {
            writer.Line($"var operands = new {GpuEmitContext.Runtime}ObservationGemmOperands");
            writer.Line("{");
            writer.Line($"    A = {a}, ARowStride = {aStride},");
            writer.Line($"    B = {context.ReadInput(node, 1)},");
            writer.Line("    C = default,");
            writer.Line($"    Y = {y}, YRowStride = {yStride},");
            writer.Line("    HasC = false, TransposeB = false,");
            writer.Line($"    N = {layout.N}, K = {layout.K}, CColumns = 1, Alpha = 1f, Beta = 0f,");
            writer.Line("};");
            writer.Line($"{gemm}.Run(operands, batches: 1, m: observations, n: {layout.N}, k: {layout.K});");
        }
    }

    /// <summary>
    /// The output's batch axes with A's and B's strides in matrices (0 where broadcast), outermost first, without axes
    /// of size 1 and with neighbors merged wherever both operands step through them as through one axis.
    /// </summary>
    private static List<(int Size, int AStride, int BStride)> CollapseBatch(Layout layout)
    {
        int[] aStrides = Broadcasting.Strides(layout.ABatch, layout.Batch);
        int[] bStrides = Broadcasting.Strides(layout.BBatch, layout.Batch);
        var axes = new List<(int Size, int AStride, int BStride)>();
        for (int axis = layout.Batch.Length - 1; axis >= 0; axis--)
        {
            int size = layout.Batch[axis];
            if (size == 1)
            {
                continue;
            }

            if (axes.Count > 0)
            {
                (int innerSize, int innerA, int innerB) = axes[0];
                if (aStrides[axis] == innerA * innerSize && bStrides[axis] == innerB * innerSize)
                {
                    axes[0] = (innerSize * size, innerA, innerB);
                    continue;
                }
            }

            axes.Insert(0, (size, aStrides[axis], bStrides[axis]));
        }

        return axes;
    }

    private static Layout Compute(Node node, ShapeContext context)
    {
        int[] a = context.FloatInput(node, 0).Shape;
        int[] b = context.FloatInput(node, 1).Shape;
        if (a.Length == 0 || b.Length == 0)
        {
            throw context.Error(node, "MatMul needs inputs of rank 1 or more");
        }

        // A 1-D A is a row vector and a 1-D B a column vector; the added axis is removed from the output.
        int[] a2 = a.Length == 1 ? new[] { 1, a[0] } : a;
        int[] b2 = b.Length == 1 ? new[] { b[0], 1 } : b;
        int m = a2[a2.Length - 2];
        int k = a2[a2.Length - 1];
        int n = b2[b2.Length - 1];
        if (b2[b2.Length - 2] != k)
        {
            throw context.Error(node, $"A has shape {string.Join("×", a)} and B {string.Join("×", b)}, but A's last dimension must equal B's second to last");
        }

        int[] aBatch = a2.Take(a2.Length - 2).ToArray();
        int[] bBatch = b2.Take(b2.Length - 2).ToArray();
        int[] batch = Broadcasting.Shape(aBatch, bBatch)
            ?? throw context.Error(node, $"the batch dimensions of A ({string.Join("×", aBatch)}) and B ({string.Join("×", bBatch)}) do not broadcast");
        if (batch.Aggregate(1, (p, d) => p * d) > MaxUnrolledBatches)
        {
            throw context.Error(node, $"the product has {batch.Aggregate(1, (p, d) => p * d)} batched matrices, but Kiln compiles at most {MaxUnrolledBatches} so far");
        }

        var output = batch.ToList();
        if (a.Length > 1)
        {
            output.Add(m);
        }

        if (b.Length > 1)
        {
            output.Add(n);
        }

        return new Layout(m, k, n, Pad(aBatch, batch.Length), Pad(bBatch, batch.Length), batch, output.ToArray());
    }

    private static int[] Pad(int[] shape, int rank) => Enumerable.Repeat(1, Math.Max(0, rank - shape.Length)).Concat(shape).ToArray();

    private sealed class Layout
    {
        public Layout(int m, int k, int n, int[] aBatch, int[] bBatch, int[] batch, int[] output)
        {
            M = m;
            K = k;
            N = n;
            ABatch = aBatch;
            BBatch = bBatch;
            Batch = batch;
            Output = output;
        }

        public int M { get; }

        public int K { get; }

        public int N { get; }

        public int[] ABatch { get; }

        public int[] BBatch { get; }

        public int[] Batch { get; }

        public int[] Output { get; }
    }
}
