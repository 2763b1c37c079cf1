using ILGPU;
using ILGPU.Runtime.Cuda;

namespace Kiln.Gpu.Tests;

/// <summary>How Auto and Gpu choose a device, on this machine whether or not it has a CUDA device.</summary>
public sealed class ExecutionEnvironmentTests
{
    private static readonly bool HasCuda = FindCuda();

    [Fact]
    public void AutoWithoutCudaRunsOnCpu()
    {
        float[] input = TestData.FashionMnist(2);
        using var cpu = new FashionAlexNet(TestOptions.Cpu);
        using var auto = new FashionAlexNet(new ActivationOptions { ExecutionEnvironment = ExecutionEnvironment.Auto });

        float[] expected = cpu.Activations(input).ToArray();
        float[] actual = auto.Activations(input).ToArray();

        if (HasCuda)
        {
            Assert.StartsWith("Cuda", auto.Device);
            GpuAssert.Close(expected, actual, "prob with Auto on a CUDA device");
        }
        else
        {
            Assert.Equal("CPU", auto.Device);
            Assert.Equal(expected, actual);
        }
    }

    [Fact]
    public void GpuWithoutCudaThrows()
    {
        if (HasCuda)
        {
            using var gpu = new FashionAlexNet(new ActivationOptions { ExecutionEnvironment = ExecutionEnvironment.Gpu });
            Assert.StartsWith("Cuda", gpu.Device);
            return;
        }

        var exception = Assert.Throws<NotSupportedException>(() => new FashionAlexNet(new ActivationOptions { ExecutionEnvironment = ExecutionEnvironment.Gpu }));

        Assert.Contains("No CUDA device was found", exception.Message);
        Assert.Contains("ILGPU found these accelerators: CPU", exception.Message);
    }

    [Fact]
    public void GpuWithoutKernelsThrows()
    {
        var exception = Assert.Throws<NotSupportedException>(() => new FashionAlexNetCpuOnly(TestOptions.EmulatedGpu));

        Assert.Contains("FashionAlexNetCpuOnly was compiled without GPU kernels", exception.Message);
    }

    [Fact]
    public void CpuOnlyNetworkRunsWithAuto()
    {
        using var network = new FashionAlexNetCpuOnly(new ActivationOptions { ExecutionEnvironment = ExecutionEnvironment.Auto });

        Assert.Equal("CPU", network.Device);
    }

    private static bool FindCuda()
    {
        using Context context = Context.Create(builder => builder.Cuda());
        return context.GetCudaDevices().Count > 0;
    }
}
