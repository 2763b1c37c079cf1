namespace Kiln.Gpu.Tests;

/// <summary>
/// ResNet18's GPU kernels (Conv, BatchNormalization, Relu, MaxPool, Add, AveragePool) against its CPU code, on one
/// photo, because ILGPU's CPU accelerator takes seconds for a 224×224 image.
/// </summary>
public sealed class ResNet18GpuTests : IClassFixture<ResNet18GpuTests.Networks>
{
    private readonly Networks _networks;

    public ResNet18GpuTests(Networks networks)
    {
        _networks = networks;
    }

    [Fact]
    public void FirstConvolutionMatchesCpu() => Compare(ResNet18Features.Layers.Convolution249);

    [Fact]
    public void ResidualAddMatchesCpu() => Compare(ResNet18Features.Layers.Plus267);

    [Fact]
    public void PooledOutputMatchesCpu() => Compare(ResNet18Features.Layers.Pooling395);

    private void Compare(Layer layer)
    {
        float[] expected = _networks.Cpu.Activations(_networks.Photo, layer).ToArray();
        float[] actual = _networks.Gpu.Activations(_networks.Photo, layer).ToArray();

        GpuAssert.Close(expected, actual, layer.Name);
    }

    /// <summary>The network on both paths and the photo, shared by the tests of the class.</summary>
    public sealed class Networks : IDisposable
    {
        public float[] Photo { get; } = TestData.Photo("chelsea.png");

        public ResNet18Features Cpu { get; } = new(TestOptions.Cpu);

        public ResNet18Features Gpu { get; } = new(TestOptions.EmulatedGpu);

        public void Dispose()
        {
            Cpu.Dispose();
            Gpu.Dispose();
        }
    }
}
