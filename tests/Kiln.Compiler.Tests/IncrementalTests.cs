using Kiln.Compiler.Generate;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Kiln.Compiler.Tests;

public sealed class IncrementalTests : IDisposable
{
    private const string Source = """
        namespace Sample;

        [Kiln.OnnxNetwork("tiny.onnx")]
        public sealed partial class Tiny;
        """;

    private readonly TestModels _models = new();

    public void Dispose() => _models.Dispose();

    [Fact]
    public void UnrelatedEditKeepsModelStepsCached()
    {
        string model = _models.Write("tiny.onnx", TestModels.TinyConvRelu());
        CSharpCompilation compilation = GeneratorHarness.CreateCompilation(Source);
        GeneratorRun first = GeneratorHarness.Run(compilation, model);

        CSharpCompilation edited = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("namespace Sample; public static class Unrelated { }", path: "Unrelated.cs"));
        GeneratorDriver second = first.Driver.RunGenerators(edited);
        GeneratorRunResult result = second.GetRunResult().Results.Single();

        Assert.All(result.TrackedSteps[TrackingNames.ModelFiles].SelectMany(step => step.Outputs), output => Assert.Equal(IncrementalStepRunReason.Cached, output.Reason));
        Assert.All(result.TrackedSteps[TrackingNames.Networks].SelectMany(step => step.Outputs), output => Assert.Contains(output.Reason, new[] { IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged }));
    }

    [Fact]
    public void TargetLayerChangeRerunsCompilation()
    {
        string model = _models.Write("tiny.onnx", TestModels.TinyConvRelu());
        CSharpCompilation compilation = GeneratorHarness.CreateCompilation(Source);
        GeneratorRun first = GeneratorHarness.Run(compilation, model);

        SyntaxTree tree = compilation.SyntaxTrees.Single();
        CSharpCompilation edited = compilation.ReplaceSyntaxTree(tree, tree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(Source.Replace("\"tiny.onnx\")", "\"tiny.onnx\", TargetLayer = \"conv\")"))));
        GeneratorDriver second = first.Driver.RunGenerators(edited);
        GeneratorRunResult result = second.GetRunResult().Results.Single();

        Assert.Contains(result.TrackedSteps[TrackingNames.Networks].SelectMany(step => step.Outputs), output => output.Reason == IncrementalStepRunReason.Modified);
        Assert.Contains("lastStep", result.GeneratedSources.Single().SourceText.ToString());
    }
}
