namespace Kiln.Gpu.Tests;

/// <summary>fashion-alexnet's GPU kernels (grouped Conv, Relu, LRN, MaxPool, Flatten, Gemm, Softmax) against its CPU code.</summary>
public sealed class FashionAlexNetGpuTests
{
    private const int Images = 4;

    [Fact]
    public void ProbabilitiesMatchCpu()
    {
        float[] input = TestData.FashionMnist(Images);
        using var cpu = new FashionAlexNet(TestOptions.Cpu);
        using var gpu = new FashionAlexNet(TestOptions.EmulatedGpu);

        float[] expected = cpu.Activations(input).ToArray();
        float[] actual = gpu.Activations(input).ToArray();

        GpuAssert.Close(expected, actual, "prob");
        Assert.StartsWith("CPU", gpu.Device);
    }

    [Theory]
    [InlineData("conv2")]
    [InlineData("norm2")]
    [InlineData("pool5")]
    [InlineData("fc7")]
    public void MiddleLayerMatchesCpu(string layer)
    {
        float[] input = TestData.FashionMnist(Images);
        using var cpu = new FashionAlexNet(TestOptions.Cpu);
        using var gpu = new FashionAlexNet(TestOptions.EmulatedGpu);

        float[] expected = cpu.Activations(input, layer).ToArray();
        float[] actual = gpu.Activations(input, layer).ToArray();

        GpuAssert.Close(expected, actual, layer);
    }

    [Fact]
    public void MiniBatchesMatchOneBatch()
    {
        float[] input = TestData.FashionMnist(3);
        using var oneBatch = new FashionAlexNet(TestOptions.EmulatedGpu);
        using var miniBatches = new FashionAlexNet(TestOptions.EmulatedGpu with { MiniBatchSize = 2 });

        float[] expected = oneBatch.Activations(input, FashionAlexNet.Layers.fc8).ToArray();
        float[] actual = miniBatches.Activations(input, FashionAlexNet.Layers.fc8).ToArray();

        Assert.Equal(expected, actual);
    }

    [Fact]
    public void SpanOverloadMatchesCpu()
    {
        float[] input = TestData.FashionMnist(2);
        using var cpu = new FashionAlexNet(TestOptions.Cpu);
        using var gpu = new FashionAlexNet(TestOptions.EmulatedGpu);
        Layer layer = FashionAlexNet.Layers.pool1;
        var expected = new float[2 * layer.ElementCount];
        var actual = new float[2 * layer.ElementCount];

        cpu.Activations(input, expected, layer);
        gpu.Activations(input, actual, layer);

        GpuAssert.Close(expected, actual, "pool1 through the span overload");
    }

    [Fact]
    public void InputLayerIsCopied()
    {
        float[] input = TestData.FashionMnist(1);
        using var gpu = new FashionAlexNet(TestOptions.EmulatedGpu);

        float[] actual = gpu.Activations(input, FashionAlexNet.Layers.data).ToArray();

        Assert.Equal(input, actual);
    }
}
