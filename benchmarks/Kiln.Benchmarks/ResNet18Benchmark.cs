using BenchmarkDotNet.Attributes;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Kiln.Benchmarks;

/// <summary>ResNet18 features (the pooled 512-wide layer) for one 224×224 image: Kiln's compiled code against ONNX Runtime in the same process.</summary>
[MemoryDiagnoser]
public class ResNet18Benchmark
{
    private const int InputLength = 3 * 224 * 224;

    private float[] _image = [];
    private ResNet18Features? _kiln;
    private float[] _features = [];
    private InferenceSession? _session;
    private List<NamedOnnxValue> _ortInputs = [];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        _image = Enumerable.Range(0, InputLength).Select(_ => (random.NextSingle() * 255) - 128).ToArray();

        _kiln = new ResNet18Features(new ActivationOptions { ExecutionEnvironment = ExecutionEnvironment.Cpu });
        _features = new float[ResNet18Features.Layers.Pooling395.ElementCount];

        _session = new InferenceSession(EmbeddedModel());
        _ortInputs = [NamedOnnxValue.CreateFromTensor("Input247", new DenseTensor<float>(_image, [1, 3, 224, 224]))];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _kiln?.Dispose();
        _session?.Dispose();
    }

    [Benchmark(Baseline = true, Description = "ONNX Runtime 1.32")]
    public float OnnxRuntime()
    {
        using IDisposableReadOnlyCollection<DisposableNamedOnnxValue> results = _session!.Run(_ortInputs);
        return results[0].AsTensor<float>()[0, 0, 0, 0];
    }

    [Benchmark(Description = "Kiln, compiled C#")]
    public float Kiln()
    {
        _kiln!.Activations(_image, _features, ResNet18Features.Layers.Pooling395);
        return _features[0];
    }

    // The same model bytes that Kiln's build targets embedded for the compiled class.
    private static byte[] EmbeddedModel()
    {
        using Stream stream = typeof(ResNet18Features).Assembly.GetManifestResourceStream("Kiln/ResNet18.onnx")!;
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
