namespace Kiln.Gpu.Tests;

/// <summary>fashion-alexnet's GPU kernels (grouped Conv, Relu, LRN, MaxPool, Flatten, Gemm, Softmax) against its CPU code.</summary>
public sealed class FashionAlexNetGpuTests : IClassFixture<FashionAlexNetGpuTests.Networks>
{
    private readonly Networks _networks;

    public FashionAlexNetGpuTests(Networks networks)
    {
        _networks = networks;
    }

    [Fact]
    public void ProbabilitiesMatchCpu()
    {
        float[] expected = _networks.Cpu.Activations(_networks.Images).ToArray();
        float[] actual = _networks.Gpu.Activations(_networks.Images).ToArray();

        GpuAssert.Close(expected, actual, "prob");
    }

    [Theory]
    [InlineData("conv2")]
    [InlineData("norm2")]
    [InlineData("pool5")]
    [InlineData("fc7")]
    public void MiddleLayerMatchesCpu(string layer)
    {
        float[] expected = _networks.Cpu.Activations(_networks.Images, layer).ToArray();
        float[] actual = _networks.Gpu.Activations(_networks.Images, layer).ToArray();

        GpuAssert.Close(expected, actual, layer);
    }

    [Fact]
    public void DeviceIsCpuAccelerator()
    {
        Assert.StartsWith("CPU", _networks.Gpu.Device);
    }

    [Fact]
    public void MiniBatchesMatchOneBatch()
    {
        float[] input = TestData.FashionMnist(3);
        using var miniBatches = new FashionAlexNet(TestOptions.EmulatedGpu with { MiniBatchSize = 2 });

        // fc8 is a dense layer, computed for all observations of a launch in one product: 2, then 1 here.
        float[] expected = _networks.Gpu.Activations(input, FashionAlexNet.Layers.fc8).ToArray();
        float[] actual = miniBatches.Activations(input, FashionAlexNet.Layers.fc8).ToArray();

        Assert.Equal(expected, actual);
    }

    [Fact]
    public void SpanOverloadMatchesCpu()
    {
        float[] input = _networks.Images.AsSpan(0, 2 * FashionAlexNet.Network.InputLength).ToArray();
        Layer layer = FashionAlexNet.Layers.pool1;
        var expected = new float[2 * layer.ElementCount];
        var actual = new float[2 * layer.ElementCount];

        _networks.Cpu.Activations(input, expected, layer);
        _networks.Gpu.Activations(input, actual, layer);

        GpuAssert.Close(expected, actual, "pool1 through the span overload");
    }

    [Fact]
    public void InputLayerIsCopied()
    {
        float[] actual = _networks.Gpu.Activations(_networks.Images, FashionAlexNet.Layers.data).ToArray();

        Assert.Equal(_networks.Images, actual);
    }

    /// <summary>
    /// The network on both paths and four Fashion-MNIST images, shared by the tests of the class, so that the kernels
    /// are compiled once.
    /// </summary>
    public sealed class Networks : IDisposable
    {
        public float[] Images { get; } = TestData.FashionMnist(4);

        public FashionAlexNet Cpu { get; } = new(TestOptions.Cpu);

        public FashionAlexNet Gpu { get; } = new(TestOptions.EmulatedGpu);

        public void Dispose()
        {
            Cpu.Dispose();
            Gpu.Dispose();
        }
    }
}
