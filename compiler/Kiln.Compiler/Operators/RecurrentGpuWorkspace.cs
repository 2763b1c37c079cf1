namespace Kiln.Compiler.Operators;

/// <summary>
/// Where the GPU kernels of one RNN, GRU or LSTM node keep their intermediate values in the observation's kernel
/// workspace. It contains the input projection of every direction and time step, the time-step counter and two copies
/// of the hidden state, because a time step reads one copy and writes the other. Further state-sized buffers follow
/// where the operator requests them, such as LSTM's cell state. Offsets are in floats, and each region starts at a
/// multiple of 16 floats (64 bytes).
/// </summary>
internal sealed class RecurrentGpuWorkspace
{
    private const int Alignment = 16;

    private RecurrentGpuWorkspace(RecurrentSizes sizes, int gates, int stateBuffers)
    {
        StateLength = sizes.Directions * sizes.Batch * sizes.Hidden;
        ProjectionLength = checked(sizes.Directions * sizes.Sequence * sizes.Batch * gates * sizes.Hidden);
        CounterOffset = Align(ProjectionLength);
        HiddenOffset = CounterOffset + Alignment;
        BuffersOffset = checked(HiddenOffset + (2 * Align(StateLength)));
        Length = checked(BuffersOffset + (stateBuffers * Align(StateLength)));
    }

    /// <summary>The projection X·Wᵀ + biases starts at offset 0: directions×rows×(gates·hidden) floats.</summary>
    public int ProjectionLength { get; }

    /// <summary>Two floats, the time-step counter read by even and by odd time steps.</summary>
    public int CounterOffset { get; }

    /// <summary>Floats of one state: directions×batch×hidden.</summary>
    public int StateLength { get; }

    /// <summary>Floats the node needs in all.</summary>
    public int Length { get; }

    private int HiddenOffset { get; }

    private int BuffersOffset { get; }

    /// <summary>The layout for a node of <paramref name="sizes"/> whose time steps need <paramref name="stateBuffers"/> buffers beside the hidden state.</summary>
    public static RecurrentGpuWorkspace Create(RecurrentSizes sizes, int gates, int stateBuffers) =>
        new RecurrentGpuWorkspace(sizes, gates, stateBuffers);

    /// <summary>The copy of the hidden state that time steps of parity <paramref name="parity"/> (0 even, 1 odd) read.</summary>
    public int HiddenStateOffset(int parity) => HiddenOffset + (parity * Align(StateLength));

    /// <summary>Extra state-sized buffer number <paramref name="index"/>.</summary>
    public int BufferOffset(int index) => BuffersOffset + (index * Align(StateLength));

    private static int Align(int length) => checked((length + Alignment - 1) / Alignment * Alignment);
}
