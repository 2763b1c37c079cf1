using System.Reflection;

namespace Kiln.Compiler.Tests;

/// <summary>Models listed in AdditionalFiles without an [OnnxNetwork] class still get a class, configured by item metadata.</summary>
public sealed class StandaloneModelTests : IDisposable
{
    private readonly TestModels _models = new();

    public void Dispose() => _models.Dispose();

    [Fact]
    public void ModelWithoutAttributeGetsClassNamedAfterFile()
    {
        string model = _models.Write("tiny-conv_relu.onnx", TestModels.TinyConvRelu());

        GeneratorRun run = GeneratorHarness.Run("namespace Sample;", model);

        Assert.Empty(run.KilnDiagnostics);
        Assert.Empty(run.CompilationProblems);
        Type type = run.Load(model).GetType("TinyConvRelu")!;
        Assert.True(type.IsPublic);
        Assert.Equal("relu", TargetLayerOf(type));
    }

    [Fact]
    public void ItemMetadataSetsClassNamespaceAndTarget()
    {
        string model = _models.Write("tiny.onnx", TestModels.TinyConvRelu());
        BuildOptions options = new BuildOptions()
            .Property("RootNamespace", "App")
            .Metadata(model, "ClassName", "TinyFeatures")
            .Metadata(model, "TargetLayer", "conv");

        GeneratorRun run = GeneratorHarness.Run(options, "namespace Sample;", model);

        Assert.Empty(run.KilnDiagnostics);
        Assert.Empty(run.CompilationProblems);
        Type type = run.Load(model).GetType("App.TinyFeatures")!;
        Assert.Equal("conv", TargetLayerOf(type));
    }

    [Fact]
    public void DeclaredModelGetsNoSecondClass()
    {
        string model = _models.Write("tiny.onnx", TestModels.TinyConvRelu());

        GeneratorRun run = GeneratorHarness.Run("[Kiln.OnnxNetwork(\"tiny.onnx\")] public sealed partial class Mine;", model);

        Assert.Empty(run.KilnDiagnostics);
        Assert.Single(run.Result.Results.SelectMany(result => result.GeneratedSources));
    }

    private static string TargetLayerOf(Type type)
    {
        var network = (NetworkDefinition)type.GetProperty("Network", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
        return network.TargetLayer.Name;
    }
}
