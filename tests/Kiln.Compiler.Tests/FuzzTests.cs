using Kiln.Compiler.Diagnostics;
using Kiln.Compiler.Generate;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit.Abstractions;

namespace Kiln.Compiler.Tests;

/// <summary>
/// Mutates and truncates real small models (the ONNX node tests and the shared trained models) with a fixed seed and
/// compiles each: every run must end in a KLN diagnostic or in code that compiles, never in an exception.
/// </summary>
public sealed class FuzzTests(ITestOutputHelper output) : IDisposable
{
    private const int Seed = 20261204;
    private const int Mutations = 1200;
    private static readonly TimeSpan MaxCompileTime = TimeSpan.FromSeconds(30);

    private readonly TestModels _models = new();

    public void Dispose() => _models.Dispose();

    [Fact]
    public void MutatedModelsGiveDiagnosticsOrCode()
    {
        string shared = SharedFolder();
        string[] originals = Directory.GetDirectories(Path.Combine(shared, "onnx-node-tests"))
            .Select(folder => Path.Combine(folder, "model.onnx"))
            .Append(Path.Combine(shared, "models", "fashion-alexnet.onnx"))
            .Where(File.Exists)
            .OrderBy(path => path, StringComparer.Ordinal)
            .ToArray();
        var random = new Random(Seed);
        var crashes = new List<string>();
        var sources = new List<(string Name, string Source)>();
        int diagnostics = 0;

        for (int i = 0; i < Mutations; i++)
        {
            string original = originals[random.Next(originals.Length)];
            byte[] bytes = Mutate(File.ReadAllBytes(original), random, out string mutation);
            string name = $"Fuzz{i}";
            string path = _models.WriteBytes(name + ".onnx", bytes);
            var request = new NetworkRequest(path, string.Empty, "Fuzzed", name, null, "Kiln/" + name + ".onnx", IsStandalone: false);
            var stopwatch = System.Diagnostics.Stopwatch.StartNew();
            try
            {
                sources.Add((name, NetworkCompiler.Compile(request, CancellationToken.None)));
            }
            catch (CompilationError)
            {
                diagnostics++;
            }
            catch (Exception exception)
            {
                crashes.Add($"{Path.GetFileName(Path.GetDirectoryName(original))} ({mutation}): {exception.GetType().Name}: {exception.Message}");
            }

            // A hang is a failure too; a generous bound keeps a slow machine from tripping it.
            if (stopwatch.Elapsed > MaxCompileTime)
            {
                crashes.Add($"{Path.GetFileName(Path.GetDirectoryName(original))} ({mutation}): took {stopwatch.Elapsed.TotalSeconds:F1} s");
            }
        }

        output.WriteLine($"Seed {Seed}: {Mutations} mutated models, {diagnostics} KLN diagnostics, {sources.Count} compiled, {crashes.Count} exceptions.");
        Assert.True(crashes.Count == 0, string.Join(Environment.NewLine, crashes.Take(20)));

        // Every model that compiled must give C# that compiles, all checked in one compilation.
        string declarations = "namespace Fuzzed;\n" + string.Join("\n", sources.Select(s => $"public sealed partial class {s.Name};"));
        CSharpCompilation compilation = GeneratorHarness.CreateCompilation(declarations)
            .AddSyntaxTrees(sources.Select(s => CSharpSyntaxTree.ParseText(s.Source, new CSharpParseOptions(LanguageVersion.Latest), path: s.Name + ".g.cs")));
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Take(20).ToList();
        Assert.True(errors.Count == 0, string.Join(Environment.NewLine, errors));
    }

    /// <summary>One of: truncation, a run of random bytes, or a flipped bit, at a random place.</summary>
    private static byte[] Mutate(byte[] bytes, Random random, out string mutation)
    {
        byte[] copy = (byte[])bytes.Clone();
        int position = random.Next(copy.Length);
        switch (random.Next(3))
        {
            case 0:
                mutation = $"truncated at byte {position}";
                return copy[..position];
            case 1:
                int length = Math.Min(random.Next(1, 9), copy.Length - position);
                random.NextBytes(copy.AsSpan(position, length));
                mutation = $"{length} random bytes at {position}";
                return copy;
            default:
                int bit = random.Next(8);
                copy[position] ^= (byte)(1 << bit);
                mutation = $"bit {bit} of byte {position} flipped";
                return copy;
        }
    }

    private static string SharedFolder()
    {
        for (DirectoryInfo? folder = new(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Compiler.sln")))
            {
                string shared = Path.GetFullPath(Path.Combine(folder.FullName, "..", "shared"));
                return Directory.Exists(shared) ? shared : throw new DirectoryNotFoundException($"The shared test data folder {shared} is missing beside the repository.");
            }
        }

        throw new DirectoryNotFoundException($"No folder holding Compiler.sln above {AppContext.BaseDirectory}.");
    }
}
