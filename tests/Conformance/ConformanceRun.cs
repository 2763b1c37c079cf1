using System.Diagnostics;
using Google.Protobuf;
using Kiln.Compiler.Read.Onnx;

namespace Kiln.Conformance.Tests;

/// <summary>
/// The whole conformance run: finds which node tests Kiln claims, binds their shape-deciding inputs, compiles them
/// in one batch and runs each compiled network on its data sets.
/// </summary>
internal sealed class ConformanceRun
{
    /// <summary>Time one network may take for all its data sets before its test fails as timed out.</summary>
    private static readonly TimeSpan NetworkTimeout = TimeSpan.FromSeconds(30);

    private ConformanceRun(IReadOnlyList<NodeTest> tests, IReadOnlyList<TestResult> results, TimeSpan elapsed)
    {
        Tests = tests;
        Results = results;
        Elapsed = elapsed;
    }

    public IReadOnlyList<NodeTest> Tests { get; }

    /// <summary>One result per test, in the order of <see cref="Tests"/>.</summary>
    public IReadOnlyList<TestResult> Results { get; }

    public TimeSpan Elapsed { get; }

    public int Count(Outcome outcome) => Results.Count(result => result.Outcome == outcome);

    /// <summary>
    /// Runs the claimed node tests on the CPU, or, with <paramref name="gpu"/>, only those in
    /// <paramref name="gpuCandidates"/> (by name), compiled with GPU kernels and run on ILGPU's CPU accelerator.
    /// In the GPU run a test whose network the GPU backend does not cover fails with KLN0021.
    /// </summary>
    public static ConformanceRun Execute(bool gpu = false, IReadOnlySet<string>? gpuCandidates = null)
    {
        var clock = Stopwatch.StartNew();
        IReadOnlyList<NodeTest> tests = NodeTestSuite.Load();
        if (gpu)
        {
            tests = tests.Where(test => gpuCandidates?.Contains(test.Name) ?? true).ToList();
        }

        var results = new Dictionary<string, TestResult>(StringComparer.Ordinal);
        foreach (NodeTest test in tests.Where(test => !test.IsClaimed))
        {
            results[test.Name] = TestResult.NotClaimed(test);
        }

        DirectoryInfo modelFolder = Directory.CreateTempSubdirectory("kiln-conformance-");
        try
        {
            var boundInputs = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
            var modelPaths = new List<string>();
            foreach (NodeTest test in tests.Where(test => test.IsClaimed))
            {
                try
                {
                    (ModelProto model, IReadOnlyList<string> bound) = ConstantInputBinding.Bind(test);
                    string path = Path.Combine(modelFolder.FullName, test.Name + ".onnx");
                    File.WriteAllBytes(path, model.ToByteArray());
                    boundInputs[test.Name] = bound;
                    modelPaths.Add(path);
                }
                catch (Exception exception) when (exception is IOException or InvalidProtocolBufferException)
                {
                    results[test.Name] = TestResult.Failed(test, $"binding the shape-deciding inputs failed: {exception.Message}");
                }
            }

            BatchCompilation batch = BatchCompilation.Compile(modelPaths, gpuKernels: gpu);
            ActivationOptions? options = gpu ? EmulatedGpu : null;
            foreach (NodeTest test in tests.Where(test => boundInputs.ContainsKey(test.Name)))
            {
                results[test.Name] = batch.Failures.TryGetValue(test.Name, out string? reason)
                    ? TestResult.Failed(test, reason)
                    : RunNetwork(test, batch.NetworkType(test.Name), boundInputs[test.Name], options);
            }
        }
        finally
        {
            modelFolder.Delete(recursive: true);
        }

        return new ConformanceRun(tests, tests.Select(test => results[test.Name]).ToList(), clock.Elapsed);
    }

    /// <summary>The generated GPU kernels on ILGPU's CPU accelerator.</summary>
    private static readonly ActivationOptions EmulatedGpu = new() { ExecutionEnvironment = ExecutionEnvironment.Gpu, RunGpuKernelsOnCpuForTesting = true };

    private static TestResult RunNetwork(NodeTest test, Type networkType, IReadOnlyList<string> boundInputs, ActivationOptions? options)
    {
        // A network that hangs fails its test rather than the run; its thread is left behind.
        var task = Task.Run(() => NetworkCheck.Run(test, networkType, boundInputs, options));
        try
        {
            if (!task.Wait(NetworkTimeout))
            {
                return TestResult.Failed(test, $"the network did not finish within {NetworkTimeout.TotalSeconds} s");
            }
        }
        catch (AggregateException aggregate)
        {
            Exception exception = aggregate.InnerException!;
            if (exception is System.Reflection.TargetInvocationException { InnerException: Exception inner })
            {
                exception = inner;
            }

            return TestResult.Failed(test, $"{exception.GetType().Name}: {exception.Message}");
        }

        return task.Result is null ? TestResult.Passed(test) : TestResult.Failed(test, task.Result);
    }
}
