namespace Kiln.Gpu.Tests;

/// <summary>The runner's handling of a mini-batch larger than one launch can take.</summary>
public sealed class GpuRunnerTests
{
    [Fact]
    public void LargeMiniBatchRunsInParts()
    {
        const int Observations = 5;
        using var network = new FashionAlexNet(TestOptions.Cpu);
        GpuProgram program = GeneratedPrograms.Of(network);
        float[] input = TestData.FashionMnist(Observations);

        // The whole arena of every observation comes back, so every layer is compared.
        int arenaLength = program.ArenaLength;
        int lastStep = program.Steps.Count - 1;
        var whole = new float[Observations * arenaLength];
        var inParts = new float[Observations * arenaLength];
        using (GpuRunner runner = GpuRunner.Create(program, TestOptions.EmulatedGpu)!)
        {
            runner.Compute(input, Observations, lastStep, arenaOffset: 0, arenaLength, whole);
        }

        using (GpuRunner runner = GpuRunner.Create(program, TestOptions.EmulatedGpu)!)
        {
            runner.MaxObservationsPerLaunch = 2;
            runner.Compute(input, Observations, lastStep, arenaOffset: 0, arenaLength, inParts);
        }

        Assert.Equal(whole, inParts);
        Assert.Contains(whole, value => value != 0);
    }
}
