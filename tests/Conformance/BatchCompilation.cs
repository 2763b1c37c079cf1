using System.Globalization;
using System.Reflection;
using System.Text;
using Kiln.Compiler.Tests;
using Microsoft.CodeAnalysis;

namespace Kiln.Conformance.Tests;

/// <summary>
/// Compiles many node-test models in one generator run and one C# compilation, as one project holding a network class
/// per model would. A model whose KLN diagnostics or C# errors would break the build is left out, with its reasons,
/// so that the other models still load.
/// </summary>
internal sealed class BatchCompilation
{
    private const string Namespace = "Conformance";

    private BatchCompilation(Assembly? assembly, IReadOnlyDictionary<string, string> failures)
    {
        Assembly = assembly;
        Failures = failures;
    }

    /// <summary>The loaded assembly with a network class per compiled model; null when no model compiled.</summary>
    public Assembly? Assembly { get; }

    /// <summary>The reason each model that did not compile failed, by model name (the test name).</summary>
    public IReadOnlyDictionary<string, string> Failures { get; }

    /// <summary>The compiled network class of <paramref name="name"/>.</summary>
    public Type NetworkType(string name) =>
        Assembly?.GetType($"{Namespace}.{name}", throwOnError: true) ?? throw new InvalidOperationException($"No model of this batch compiled, so there is no class {name}.");

    /// <summary>
    /// Compiles the models at <paramref name="modelPaths"/>, each named after its file: <c>test_abs.onnx</c> gives the
    /// class <c>test_abs</c>. With <paramref name="gpuKernels"/>, the compilation references Kiln.Gpu, so that every
    /// network also gets GPU kernels, and a model the GPU backend does not cover fails with KLN0021.
    /// </summary>
    public static BatchCompilation Compile(IReadOnlyList<string> modelPaths, bool gpuKernels = false)
    {
        var names = modelPaths.Select(path => Path.GetFileNameWithoutExtension(path)).ToList();
        (string source, Dictionary<int, string> nameByLine) = DeclareNetworks(names);
        GeneratorRun run = gpuKernels
            ? GeneratorHarness.Run(GpuHarness.CreateGpuCompilation(source), [.. modelPaths])
            : GeneratorHarness.Run(source, [.. modelPaths]);

        var failures = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (Diagnostic diagnostic in run.KilnDiagnostics)
        {
            string name = Attribute(diagnostic, names, nameByLine)
                ?? throw new InvalidOperationException($"A Kiln diagnostic names no model of the batch: {diagnostic}");
            Add(failures, name, $"{diagnostic.Id}: {diagnostic.GetMessage(CultureInfo.InvariantCulture)}");
        }

        // A generator exception (CS8785) discards every generated file, so each model left without code names it.
        var generatedHintNames = run.Result.Results.SelectMany(result => result.GeneratedSources).Select(source => source.HintName).ToHashSet(StringComparer.Ordinal);
        string generatorProblems = string.Join(" ", run.GeneratorDiagnostics.Where(d => !d.Id.StartsWith("KLN", StringComparison.Ordinal)).Select(Describe));
        foreach (string name in names.Where(name => !failures.ContainsKey(name) && !generatedHintNames.Contains($"{Namespace}.{name}.g.cs")))
        {
            Add(failures, name, $"the generator produced neither code nor a KLN diagnostic. {generatorProblems}".TrimEnd());
        }

        // C# errors in the generated code of one model must not keep the others from loading: leave out the generated
        // files of every model with an error and check again, until the rest compiles.
        Compilation output = run.Output;
        while (true)
        {
            var errors = output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            if (errors.Count == 0)
            {
                break;
            }

            var brokenTrees = new HashSet<SyntaxTree>();
            foreach (Diagnostic error in errors)
            {
                string name = Attribute(error, names, nameByLine)
                    ?? throw new InvalidOperationException($"A C# error of the batch compilation belongs to no model: {error}");
                Add(failures, name, $"the generated code does not compile: {Describe(error)}");
                brokenTrees.UnionWith(output.SyntaxTrees.Where(tree => HintName(tree) == $"{Namespace}.{name}.g.cs"));
            }

            if (brokenTrees.Count == 0)
            {
                throw new InvalidOperationException(
                    $"The batch compilation has C# errors outside the generated files:{Environment.NewLine}{string.Join(Environment.NewLine, errors)}");
            }

            output = output.RemoveSyntaxTrees(brokenTrees);
        }

        var compiled = modelPaths.Where(path => !failures.ContainsKey(Path.GetFileNameWithoutExtension(path))).ToArray();
        Assembly? assembly = compiled.Length == 0 ? null : (run with { Output = output }).Load(compiled);
        return new BatchCompilation(
            assembly,
            failures.ToDictionary(pair => pair.Key, pair => Summarize(pair.Value), StringComparer.Ordinal));
    }

    /// <summary>The source with one network declaration per model, and the model each declaration's line declares.</summary>
    private static (string Source, Dictionary<int, string> NameByLine) DeclareNetworks(IReadOnlyList<string> names)
    {
        var source = new StringBuilder();
        source.AppendLine($"namespace {Namespace};");
        int line = 1;
        var nameByLine = new Dictionary<int, string>();
        foreach (string name in names)
        {
            source.AppendLine();
            source.AppendLine($"[Kiln.OnnxNetwork(\"{name}.onnx\")]");
            source.AppendLine($"public sealed partial class {name};");
            nameByLine[line + 1] = name;
            nameByLine[line + 2] = name;
            line += 3;
        }

        return (source.ToString(), nameByLine);
    }

    /// <summary>
    /// The model a diagnostic belongs to: the declaration at its location, the generated file it lies in,
    /// or else the model file its message names.
    /// </summary>
    private static string? Attribute(Diagnostic diagnostic, IReadOnlyList<string> names, Dictionary<int, string> nameByLine)
    {
        Location location = diagnostic.Location;
        if (location.IsInSource)
        {
            string hintName = HintName(location.SourceTree!);
            string prefix = Namespace + ".";
            if (hintName.StartsWith(prefix, StringComparison.Ordinal) && hintName.EndsWith(".g.cs", StringComparison.Ordinal))
            {
                return hintName[prefix.Length..^".g.cs".Length];
            }

            if (nameByLine.TryGetValue(location.GetLineSpan().StartLinePosition.Line, out string? declared))
            {
                return declared;
            }
        }

        string message = diagnostic.GetMessage(CultureInfo.InvariantCulture);
        return names
            .Where(name => message.Contains($"'{name}.onnx'", StringComparison.Ordinal))
            .OrderByDescending(name => name.Length)
            .FirstOrDefault();
    }

    private static string HintName(SyntaxTree tree) => Path.GetFileName(tree.FilePath);

    /// <summary>
    /// A diagnostic with its file's name in place of the generator's path, such as
    /// <c>error CS0103 at Conformance.test_abs.g.cs(12,5): …</c>.
    /// </summary>
    private static string Describe(Diagnostic diagnostic)
    {
        FileLinePositionSpan span = diagnostic.Location.GetLineSpan();
        string place = diagnostic.Location.IsInSource
            ? $" at {Path.GetFileName(span.Path)}({span.StartLinePosition.Line + 1},{span.StartLinePosition.Character + 1})"
            : string.Empty;
        string severity = diagnostic.Severity.ToString().ToLowerInvariant();
        return $"{severity} {diagnostic.Id}{place}: {diagnostic.GetMessage(CultureInfo.InvariantCulture)}";
    }

    private static void Add(Dictionary<string, List<string>> failures, string name, string reason)
    {
        if (!failures.TryGetValue(name, out List<string>? reasons))
        {
            failures[name] = reasons = [];
        }

        reasons.Add(reason);
    }

    /// <summary>The first three reasons, which usually explain the rest, and how many more there are.</summary>
    private static string Summarize(List<string> reasons)
    {
        var distinct = reasons.Distinct().ToList();
        string text = string.Join(" | ", distinct.Take(3));
        return distinct.Count > 3 ? $"{text} | and {distinct.Count - 3} more" : text;
    }
}
