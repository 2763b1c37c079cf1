using System.Globalization;
using System.Text.RegularExpressions;

namespace Kiln.Gpu.Tests;

/// <summary>
/// The generated kernels compiled by ILGPU's PTX backend, as a CUDA device would compile them on first launch. Every
/// emulated-GPU test already fails when a kernel does not compile; these tests also read the PTX.
/// </summary>
public sealed class PtxCompilationTests
{
    [Fact]
    public void ResNet18KernelsLoadOnSm90()
    {
        using var network = new ResNet18Features(TestOptions.Cpu);

        IReadOnlyList<PtxResult> results = PtxCompilation.CompileAll(GeneratedPrograms.Of(network));

        Assert.All(results, result => Assert.Null(result.Error));
        Assert.All(results, result => Assert.InRange(TargetCapability(result.Ptx!), 70, 90));
    }

    [Fact]
    public void ConvolutionKernelsStageTilesInSharedMemory()
    {
        using var network = new FashionAlexNet(TestOptions.Cpu);

        IReadOnlyList<PtxResult> results = PtxCompilation.CompileAll(GeneratedPrograms.Of(network));
        var products = results.Where(result => result.Kernel.EndsWith("_ImplicitGemm", StringComparison.Ordinal) || result.Kernel.EndsWith("_Gemm", StringComparison.Ordinal)).ToList();

        // Five convolutions and three dense layers, each a tiled product: two 64×64 tiles in shared memory, a barrier between loads.
        Assert.Equal(8, products.Count);
        Assert.All(products, result => Assert.Equal(2 * 64 * 64 * sizeof(float), result.SharedBytes));
        Assert.All(products, result => Assert.Contains("bar.sync", result.Ptx!, StringComparison.Ordinal));

        // The 8×8 accumulators of each thread stay in registers: nothing goes to local (off-chip) memory.
        Assert.All(products, result => Assert.DoesNotContain(".local", result.Ptx!, StringComparison.Ordinal));
    }

    [Fact]
    public void SoftmaxAndLrnCompileWithAlgorithmsMath()
    {
        using var network = new FashionAlexNet(TestOptions.Cpu);

        IReadOnlyList<PtxResult> results = PtxCompilation.CompileAll(GeneratedPrograms.Of(network));

        // Softmax calls MathF.Exp and LRN MathF.Pow, which ILGPU's PTX backend compiles only with ILGPU.Algorithms.
        Assert.Null(Assert.Single(results, result => result.Kernel.EndsWith("_Softmax", StringComparison.Ordinal)).Error);
        Assert.All(results.Where(result => result.Kernel.EndsWith("_LRN", StringComparison.Ordinal)), result => Assert.Null(result.Error));
    }

    /// <summary>
    /// Reads the compute capability of the PTX <c>.target</c> line, as 10 × major + minor: a device of that capability
    /// or newer can load the kernel.
    /// </summary>
    private static int TargetCapability(string ptx)
    {
        Match target = Regex.Match(ptx, @"^\.target sm_(\d+)", RegexOptions.Multiline);
        Assert.True(target.Success, "The PTX has no .target line.");
        return int.Parse(target.Groups[1].Value, CultureInfo.InvariantCulture);
    }
}
