using Xunit.Abstractions;

namespace Kiln.Conformance.Tests;

/// <summary>
/// Runs the ONNX node tests that pass on the CPU through the GPU backend as well, on ILGPU's CPU accelerator: the GPU
/// backend must compile every one of them and match its expected outputs there too.
/// </summary>
public sealed class GpuNodeTestConformanceTests(ITestOutputHelper output)
{
    [Fact]
    public void GpuClaimedNodeTestsMatchExpected()
    {
        ConformanceRun cpu = ConformanceRun.Execute();
        var cpuPasses = cpu.Results.Where(result => result.Outcome == Outcome.Pass).Select(result => result.Name).ToHashSet(StringComparer.Ordinal);

        ConformanceRun gpu = ConformanceRun.Execute(gpu: true, gpuCandidates: cpuPasses);

        // A test the GPU backend rejects at build time (KLN0021) is not claimed by it; every other failure is a wrong result.
        var rejected = gpu.Results.Where(result => result.Outcome == Outcome.Fail && (result.Reason?.StartsWith("KLN0021", StringComparison.Ordinal) ?? false)).ToList();
        var wrong = gpu.Results.Where(result => result.Outcome == Outcome.Fail && !rejected.Contains(result)).ToList();
        int passes = gpu.Results.Count(result => result.Outcome == Outcome.Pass);
        output.WriteLine($"Of {cpuPasses.Count} node tests that pass on the CPU, the GPU backend claims {passes + wrong.Count} and passes {passes}; it rejects {rejected.Count}. {gpu.Elapsed.TotalSeconds:F1} s.");
        foreach (TestResult result in gpu.Results.Where(result => result.Outcome == Outcome.Pass))
        {
            output.WriteLine($"  pass: {result.Name}");
        }

        Assert.True(
            wrong.Count == 0,
            $"{wrong.Count} node test(s) give wrong answers or crash on the GPU backend:{Environment.NewLine}" +
            string.Join(Environment.NewLine, wrong.Select(failure => $"{failure.Name}: {failure.Reason}")));
        Assert.True(passes > 0, "No node test ran through the GPU backend, so the run checked nothing.");

        // Every operator the CPU compiles has GPU kernels, so a node test the GPU backend rejects is a gap to close.
        Assert.True(
            rejected.Count == 0,
            $"The GPU backend rejects {rejected.Count} node test(s) that pass on the CPU:{Environment.NewLine}" +
            string.Join(Environment.NewLine, rejected.Select(failure => $"{failure.Name}: {failure.Reason}")));
    }
}
