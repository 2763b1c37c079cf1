using System;
using Kiln.Compiler.Graph;

namespace Kiln.Compiler.Operators;

/// <summary>
/// The GPU kernels of RNN, GRU and LSTM: <see cref="RecurrentGpuEmitter"/> writes the projection, the initial and
/// final states and the frame of each time-step kernel, and each operator writes what its time step computes.
/// </summary>
internal abstract partial class RecurrentOperator
{
    public override bool HasGpuKernels => true;

    public override int GpuWorkspaceLength(Node node, ShapeContext context) =>
        RecurrentGpuWorkspace.Create(Sizes(node, context), _gates, GpuStateBuffers(node, context)).Length;

    public override void EmitGpu(Node node, GpuEmitContext context)
    {
        ShapeContext shapes = context.Shapes;
        RecurrentSizes sizes = Sizes(node, shapes);
        if (sizes.Sequence == 0 || sizes.Batch == 0 || sizes.Input == 0 || sizes.Hidden == 0)
        {
            throw context.Unsupported(node, $"X has shape {shapes.Input(node, 0).ShapeText} and the hidden size is {sizes.Hidden}, but the GPU kernels need a sequence length, batch size, input size and hidden size of at least 1");
        }

        RecurrentActivation[] activations = RecurrentActivations.Read(node, shapes, _defaultActivations, sizes.Directions);
        var workspace = RecurrentGpuWorkspace.Create(sizes, _gates, GpuStateBuffers(node, shapes));
        var emitter = new RecurrentGpuEmitter(
            node, context, sizes, _gates, workspace, Direction(node, shapes), Clip(node, shapes), activations, node.OptionalInput(SequenceLengthsInput));

        // The cell state, where the operator has one, is the first extra buffer.
        var initialBuffers = HasCellState ? new[] { (0, node.OptionalInput(InitialCInput)) } : Array.Empty<(int, string?)>();
        var finalBuffers = HasCellState ? new[] { (0, 2) } : Array.Empty<(int, int)>();
        emitter.EmitProjection(node.OptionalInput(BiasInput), GateWithoutRecurrentBias(node, shapes));
        emitter.EmitStart(node.OptionalInput(InitialHInput), initialBuffers);
        emitter.EmitTimeSteps(parity => EmitGpuTimeStep(node, emitter, parity));
        emitter.EmitStore(finalBuffers);
    }

    /// <summary>
    /// State-sized workspace buffers that the time steps keep beside the hidden state; the cell state, where the
    /// operator has one, is buffer 0.
    /// </summary>
    protected virtual int GpuStateBuffers(Node node, ShapeContext context) => HasCellState ? 1 : 0;

    /// <summary>The gate whose projection bias is Wb only, because its Rb is added later; −1 for none.</summary>
    protected virtual int GateWithoutRecurrentBias(Node node, ShapeContext context) => -1;

    /// <summary>
    /// Writes the kernels of a time step of parity <paramref name="parity"/> through
    /// <see cref="RecurrentGpuEmitter.TimeStepKernel"/>; the last of them writes the next hidden state.
    /// </summary>
    protected abstract void EmitGpuTimeStep(Node node, RecurrentGpuEmitter emitter, int parity);
}
