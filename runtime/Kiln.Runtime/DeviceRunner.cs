namespace Kiln;

/// <summary>
/// Runs a compiled network's steps on an accelerator instead of the CPU. Generated code that contains GPU kernels
/// supplies one through <see cref="CompiledNetwork.CreateDeviceRunner"/>; Kiln.Runtime itself never references a GPU library.
/// </summary>
public abstract class DeviceRunner : IDisposable
{
    /// <summary>The accelerator the kernels run on, for messages and logs, such as <c>CUDA: NVIDIA H200</c>.</summary>
    public abstract string DeviceName { get; }

    /// <summary>
    /// Runs the compute steps 0 to <paramref name="lastStep"/> for <paramref name="observations"/> observations packed
    /// one after another in <paramref name="input"/>, then copies <paramref name="length"/> floats per observation from
    /// <paramref name="arenaOffset"/> of its arena into <paramref name="output"/>, observation after observation.
    /// </summary>
    public abstract void Compute(ReadOnlySpan<float> input, int observations, int lastStep, int arenaOffset, int length, Span<float> output);

    /// <summary>Releases the device memory and the accelerator.</summary>
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the device resources; <paramref name="disposing"/> is false when called from a finalizer.</summary>
    protected abstract void Dispose(bool disposing);
}
