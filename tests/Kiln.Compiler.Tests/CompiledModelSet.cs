using System.Reflection;
using System.Text;
using Kiln.Compiler.Read.Onnx;

namespace Kiln.Compiler.Tests;

/// <summary>
/// Small models compiled together in one generator run and loaded, then run by name; the operator tests share it.
/// Each model becomes the class <c>Models.N_name</c>.
/// </summary>
internal sealed class CompiledModelSet : IDisposable
{
    private readonly TestModels _files = new();
    private readonly Assembly _assembly;
    private readonly GeneratorRun _run;

    public CompiledModelSet(IReadOnlyDictionary<string, ModelProto> models)
    {
        string[] paths = models.Select(pair => _files.Write($"{pair.Key}.onnx", pair.Value)).ToArray();
        _run = GeneratorHarness.Run(Declare(models.Keys), paths);
        Assert.Empty(_run.KilnDiagnostics);
        Assert.Empty(_run.CompilationProblems);
        _assembly = _run.Load(paths);
    }

    /// <summary>The name of the class compiled from <paramref name="model"/>.</summary>
    public static string ClassName(string model) => "N_" + model;

    /// <summary>Source that declares one network class per model, each reading <c>name.onnx</c>.</summary>
    public static string Declare(IEnumerable<string> models)
    {
        var source = new StringBuilder("namespace Models;\n");
        foreach (string model in models)
        {
            source.Append($"\n[Kiln.OnnxNetwork(\"{model}.onnx\")]\npublic sealed partial class {ClassName(model)};\n");
        }

        return source.ToString();
    }

    /// <summary>Runs the network compiled from <paramref name="model"/> on one observation.</summary>
    public float[] Run(string model, float[] input)
    {
        using CompiledNetwork network = Create(model);
        return network.Activations(input).ToArray();
    }

    /// <summary>A new instance of the network compiled from <paramref name="model"/>; the caller disposes it.</summary>
    public CompiledNetwork Create(string model)
    {
        Type type = _assembly.GetType($"Models.{ClassName(model)}")
            ?? throw new ArgumentException($"No network was compiled from the model '{model}'.", nameof(model));
        return (CompiledNetwork)Activator.CreateInstance(type, [null])!;
    }

    /// <summary>Runs the network compiled from <paramref name="model"/> on one observation and returns the layer or tensor <paramref name="layerName"/>.</summary>
    public float[] Run(string model, float[] input, string layerName)
    {
        Type type = _assembly.GetType($"Models.{ClassName(model)}")
            ?? throw new ArgumentException($"No network was compiled from the model '{model}'.", nameof(model));
        using var network = (CompiledNetwork)Activator.CreateInstance(type, [null])!;
        return network.Activations(input, layerName).ToArray();
    }

    /// <summary>The generated source of the network compiled from <paramref name="model"/>.</summary>
    public string Source(string model) => _run.GeneratedSource($"{ClassName(model)}.g.cs");

    public void Dispose() => _files.Dispose();
}
