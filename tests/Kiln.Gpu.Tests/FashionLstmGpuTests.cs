namespace Kiln.Gpu.Tests;

/// <summary>fashion-lstm (an LSTM of hidden size 64 over 28 time steps, then a classifier) on the GPU kernels against its CPU code.</summary>
public sealed class FashionLstmGpuTests : IClassFixture<FashionLstmGpuTests.Networks>
{
    private readonly Networks _networks;

    public FashionLstmGpuTests(Networks networks)
    {
        _networks = networks;
    }

    [Fact]
    public void ProbabilitiesMatchCpu()
    {
        float[] expected = _networks.Cpu.Activations(_networks.Sequences).ToArray();
        float[] actual = _networks.Gpu.Activations(_networks.Sequences).ToArray();

        GpuAssert.Close(expected, actual, _networks.Cpu.Definition.TargetLayer.Name);
    }

    [Fact]
    public void LastHiddenStateMatchesCpu()
    {
        float[] expected = _networks.Cpu.Activations(_networks.Sequences, FashionLstmFeatures.Layers.lstm_lstm).ToArray();
        float[] actual = _networks.Gpu.Activations(_networks.Sequences, FashionLstmFeatures.Layers.lstm_lstm).ToArray();

        GpuAssert.Close(expected, actual, "lstm (Y_h)");
    }

    [Fact]
    public void EveryHiddenStateMatchesCpu()
    {
        float[] expected = _networks.Cpu.Activations(_networks.Sequences, FashionLstmFeatures.Layers.lstm_lstm_Y).ToArray();
        float[] actual = _networks.Gpu.Activations(_networks.Sequences, FashionLstmFeatures.Layers.lstm_lstm_Y).ToArray();

        GpuAssert.Close(expected, actual, "lstm_Y (Y)");
    }

    [Fact]
    public void MiniBatchesMatchOneBatch()
    {
        using var miniBatches = new FashionLstmFeatures(TestOptions.EmulatedGpu with { MiniBatchSize = 3 });

        float[] expected = _networks.Gpu.Activations(_networks.Sequences, FashionLstmFeatures.Layers.lstm_lstm).ToArray();
        float[] actual = miniBatches.Activations(_networks.Sequences, FashionLstmFeatures.Layers.lstm_lstm).ToArray();

        Assert.Equal(expected, actual);
    }

    /// <summary>The network on both paths and eight Fashion-MNIST images, shared by the tests of the class.</summary>
    public sealed class Networks : IDisposable
    {
        public float[] Sequences { get; } = TestData.FashionMnistSequences(8);

        public FashionLstmFeatures Cpu { get; } = new(TestOptions.Cpu);

        public FashionLstmFeatures Gpu { get; } = new(TestOptions.EmulatedGpu);

        public void Dispose()
        {
            Cpu.Dispose();
            Gpu.Dispose();
        }
    }
}
