using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Threading;
using Kiln.Compiler.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace Kiln.Compiler.Generate;

/// <summary>
/// Compiles each class marked <c>[OnnxNetwork("model.onnx")]</c> from its ONNX model, listed among the
/// project's AdditionalFiles, into C#. Every failure becomes a KLN diagnostic: the compile step catches
/// every exception except cancellation, so a bad model never surfaces as a generator crash (CS8785).
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class KilnGenerator : IIncrementalGenerator
{
    private const string AttributeName = "Kiln.OnnxNetworkAttribute";

    /// <summary>The assembly that runs GPU kernels; a project that references it gets them generated.</summary>
    private const string GpuAssemblyName = "Kiln.Gpu";

    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        IncrementalValuesProvider<ModelFile> modelFiles = context.AdditionalTextsProvider
            .Where(static text => text.Path.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase))
            .Select(static (text, cancellationToken) => ReadModelFile(text.Path, cancellationToken))
            .WithTrackingName(TrackingNames.ModelFiles);

        IncrementalValuesProvider<NetworkDeclaration> declarations = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                AttributeName,
                static (node, _) => node is ClassDeclarationSyntax,
                static (attributeContext, _) => ReadDeclaration(attributeContext))
            .WithTrackingName(TrackingNames.Declarations);

        // Item metadata (TargetLayer, ClassName, Dimensions) and the project's root namespace, for models added without an attribute.
        IncrementalValuesProvider<ModelOptions> modelOptions = context.AdditionalTextsProvider
            .Where(static text => text.Path.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase))
            .Combine(context.AnalyzerConfigOptionsProvider)
            .Select(static (pair, _) => ReadModelOptions(pair.Left, pair.Right))
            .WithTrackingName(TrackingNames.ModelOptions);

        // A bool, so that the steps after it stay cached across edits: the compilation changes on every keystroke.
        IncrementalValueProvider<bool> gpuRuntime = context.CompilationProvider
            .Select(static (compilation, _) => compilation.ReferencedAssemblyNames.Any(name => name.Name == GpuAssemblyName))
            .WithTrackingName(TrackingNames.GpuRuntime);

        IncrementalValuesProvider<NetworkJob> declaredJobs = declarations
            .Combine(modelFiles.Collect())
            .Combine(modelOptions.Collect())
            .Combine(gpuRuntime)
            .Select(static (pair, _) => Match(pair.Left.Left.Left, pair.Left.Left.Right, pair.Left.Right, pair.Right))
            .WithTrackingName(TrackingNames.Jobs);

        IncrementalValuesProvider<NetworkJob> standaloneJobs = modelOptions
            .Combine(modelFiles.Collect())
            .Combine(declarations.Collect())
            .Combine(gpuRuntime)
            .SelectMany(static (pair, _) => Standalone(pair.Left.Left.Left, pair.Left.Left.Right, pair.Left.Right, pair.Right))
            .WithTrackingName(TrackingNames.StandaloneJobs);

        IncrementalValuesProvider<GeneratedNetwork> networks = declaredJobs
            .Select(static (job, cancellationToken) => Generate(job, cancellationToken))
            .WithTrackingName(TrackingNames.Networks);

        IncrementalValuesProvider<GeneratedNetwork> standaloneNetworks = standaloneJobs
            .Select(static (job, cancellationToken) => Generate(job, cancellationToken))
            .WithTrackingName(TrackingNames.StandaloneNetworks);

        Register(context, networks);
        Register(context, standaloneNetworks);
    }

    private static void Register(IncrementalGeneratorInitializationContext context, IncrementalValuesProvider<GeneratedNetwork> networks)
    {
        context.RegisterSourceOutput(networks.Where(static n => n.Source is not null), static (output, network) =>
            output.AddSource(network.HintName, SourceText.From(network.Source!, System.Text.Encoding.UTF8)));

        context.RegisterSourceOutput(networks.SelectMany(static (n, _) => n.Diagnostics), static (output, diagnostic) =>
            output.ReportDiagnostic(diagnostic.ToDiagnostic()));
    }

    // The model is binary, so it is read from its path rather than through AdditionalText.GetText(), which decodes text.
    // Roslyn keeps the same AdditionalText while the file set is unchanged, so this step stays cached across ordinary edits.
#pragma warning disable RS1035 // File IO is the only way to read a binary AdditionalFiles item.
    private static ModelFile ReadModelFile(string path, CancellationToken cancellationToken)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
            using var sha = SHA256.Create();
            byte[] buffer = new byte[1 << 16];
            int read;
            while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                sha.TransformBlock(buffer, 0, read, null, 0);
            }

            sha.TransformFinalBlock(buffer, 0, 0);
            return new ModelFile(path, Convert.ToBase64String(sha.Hash));
        }
        catch (IOException)
        {
            // The compile step reads the file again and reports why it cannot.
            return new ModelFile(path, string.Empty);
        }
        catch (UnauthorizedAccessException)
        {
            return new ModelFile(path, string.Empty);
        }
    }
#pragma warning restore RS1035

    private static NetworkDeclaration ReadDeclaration(GeneratorAttributeSyntaxContext context)
    {
        var symbol = (INamedTypeSymbol)context.TargetSymbol;
        AttributeData attribute = context.Attributes[0];
        string modelPath = attribute.ConstructorArguments.Length > 0 && attribute.ConstructorArguments[0].Value is string path ? path : string.Empty;
        string? targetLayer = attribute.NamedArguments.FirstOrDefault(a => a.Key == "TargetLayer").Value.Value as string;
        bool gpuKernels = attribute.NamedArguments.FirstOrDefault(a => a.Key == "GpuKernels").Value.Value as bool? ?? true;
        var syntax = (ClassDeclarationSyntax)context.TargetNode;
        bool isPartial = syntax.Modifiers.Any(m => m.Text == "partial");
        bool nested = symbol.ContainingType is not null;
        string? ns = symbol.ContainingNamespace.IsGlobalNamespace ? null : symbol.ContainingNamespace.ToDisplayString();
        LocationInfo? location = LocationInfo.From(attribute.ApplicationSyntaxReference?.GetSyntax().GetLocation() ?? syntax.Identifier.GetLocation());
        string? dimensions = attribute.NamedArguments.FirstOrDefault(a => a.Key == "Dimensions").Value.Value as string;
        return new NetworkDeclaration(symbol.Name, ns, modelPath, targetLayer, isPartial, nested, symbol.IsGenericType, location, gpuKernels) { Dimensions = dimensions };
    }

    /// <summary>Finds the declaration's model among the AdditionalFiles: an exact path, else a unique match on the path's end.</summary>
    /// <param name="gpuRuntime">Whether the project references Kiln.Gpu, so that GPU kernels are generated unless the declaration turns them off.</param>
    private static NetworkJob Match(NetworkDeclaration declaration, ImmutableArray<ModelFile> files, ImmutableArray<ModelOptions> options, bool gpuRuntime)
    {
        LocationInfo? location = declaration.Location;
        if (!declaration.IsPartial)
        {
            return new NetworkJob(null, DiagnosticInfo.Create(KilnDiagnostics.NotPartial, location, declaration.ClassName), location);
        }

        if (declaration.IsNested || declaration.IsGeneric)
        {
            string problem = declaration.IsNested ? "is nested in another type" : "is generic";
            return new NetworkJob(null, DiagnosticInfo.Create(KilnDiagnostics.NestedClass, location, declaration.ClassName, problem), location);
        }

        string requested = Normalize(declaration.ModelPath);
        var matches = files.Where(f => Normalize(f.Path) == requested).ToList();
        if (matches.Count == 0)
        {
            matches = files.Where(f => Normalize(f.Path).EndsWith("/" + requested.TrimStart('/'), StringComparison.OrdinalIgnoreCase)).ToList();
        }

        if (matches.Count == 0)
        {
            string known = " The project lists no .onnx AdditionalFiles.";
            if (files.Length > 0)
            {
                string closest = NameSuggestions.Closest(Path.GetFileName(requested), files.Select(f => Path.GetFileName(f.Path)), 1).First();
                known = $" Did you mean '{closest}'? The .onnx AdditionalFiles are: {string.Join(", ", files.Select(f => f.Path))}.";
            }

            return new NetworkJob(null, DiagnosticInfo.Create(KilnDiagnostics.ModelNotFound, location, declaration.ModelPath, declaration.ClassName, known), location);
        }

        if (matches.Count > 1)
        {
            return new NetworkJob(null, DiagnosticInfo.Create(KilnDiagnostics.AmbiguousModel, location, declaration.ModelPath, declaration.ClassName, string.Join(", ", matches.Select(m => m.Path))), location);
        }

        ModelFile file = matches[0];
        ModelOptions? itemOptions = options.FirstOrDefault(o => o.Path == file.Path);
        var request = new NetworkRequest(file.Path, file.ContentHash, declaration.Namespace, declaration.ClassName, declaration.TargetLayer, ResourceName(file.Path), IsStandalone: false,
            itemOptions?.ExternalData, itemOptions?.MaxArenaBytes, GpuKernels: gpuRuntime && declaration.GpuKernels)
        {
            Dimensions = declaration.Dimensions,
        };
        return new NetworkJob(request, null, location);
    }

    private static ModelOptions ReadModelOptions(AdditionalText text, AnalyzerConfigOptionsProvider provider)
    {
        AnalyzerConfigOptions options = provider.GetOptions(text);
        options.TryGetValue("build_metadata.AdditionalFiles.TargetLayer", out string? targetLayer);
        options.TryGetValue("build_metadata.AdditionalFiles.ClassName", out string? className);
        options.TryGetValue("build_metadata.AdditionalFiles.Dimensions", out string? dimensions);
        options.TryGetValue("build_metadata.AdditionalFiles.GpuKernels", out string? gpuKernels);

        // Kiln.targets passes the ExternalData list with '|' between entries, because ';' starts a comment in .editorconfig files.
        options.TryGetValue("build_metadata.AdditionalFiles.KilnExternalData", out string? externalData);
        provider.GlobalOptions.TryGetValue("build_property.RootNamespace", out string? rootNamespace);
        provider.GlobalOptions.TryGetValue("build_property.KilnMaxArenaBytes", out string? maxArenaBytes);
        bool gpuKernelsOff = string.Equals(Empty(gpuKernels), "false", StringComparison.OrdinalIgnoreCase);
        return new ModelOptions(text.Path, Empty(targetLayer), Empty(className), Empty(rootNamespace), Empty(externalData), Empty(maxArenaBytes), GpuKernels: !gpuKernelsOff)
        {
            Dimensions = Empty(dimensions),
        };

        static string? Empty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value!.Trim();
    }

    /// <summary>
    /// A class for a model that no [OnnxNetwork] declaration uses: named after the file (or its ClassName metadata),
    /// in the project's root namespace, compiled up to its TargetLayer metadata or the model's outputs.
    /// </summary>
    private static IEnumerable<NetworkJob> Standalone(ModelOptions options, ImmutableArray<ModelFile> files, ImmutableArray<NetworkDeclaration> declarations, bool gpuRuntime)
    {
        bool declared = declarations.Any(declaration => Match(declaration, files, ImmutableArray<ModelOptions>.Empty, gpuRuntime: false).Request?.ModelPath == options.Path);
        ModelFile? file = files.FirstOrDefault(f => f.Path == options.Path);
        if (declared || file is null)
        {
            yield break;
        }

        string className = options.ClassName ?? ClassNameFor(options.Path);
        var location = new LocationInfo(options.Path, default, default);
        var request = new NetworkRequest(file.Path, file.ContentHash, options.RootNamespace, className, options.TargetLayer, ResourceName(file.Path), IsStandalone: true,
            options.ExternalData, options.MaxArenaBytes, GpuKernels: gpuRuntime && options.GpuKernels)
        {
            Dimensions = options.Dimensions,
        };
        yield return new NetworkJob(request, null, location);
    }

    /// <summary>A PascalCase class name from a model's file name: "fashion-alexnet.onnx" gives FashionAlexnet.</summary>
    internal static string ClassNameFor(string path)
    {
        string[] parts = Path.GetFileNameWithoutExtension(path).Split(new[] { '-', '_', '.', ' ' }, StringSplitOptions.RemoveEmptyEntries);
        string name = string.Concat(parts.Select(part => char.ToUpperInvariant(part[0]) + part.Substring(1)));
        return Emit.Literals.Identifier(name.Length == 0 ? "Network" : name);
    }

    /// <summary>The manifest resource name Kiln's build targets give a model: <c>Kiln/</c> and its file name.</summary>
    internal static string ResourceName(string path) => "Kiln/" + Path.GetFileName(path);

    private static GeneratedNetwork Generate(NetworkJob job, CancellationToken cancellationToken)
    {
        if (job.Request is null)
        {
            return new GeneratedNetwork(string.Empty, null, EquatableArray.From(new[] { job.Problem! }));
        }

        NetworkRequest request = job.Request;
        string hintName = (request.Namespace is null ? request.ClassName : request.Namespace + "." + request.ClassName) + ".g.cs";
        try
        {
            string source = NetworkCompiler.Compile(request, cancellationToken);
            return new GeneratedNetwork(hintName, source, EquatableArray.From(Array.Empty<DiagnosticInfo>()));
        }
        catch (CompilationError error)
        {
            return new GeneratedNetwork(hintName, null, EquatableArray.From(new[] { DiagnosticInfo.Create(error.Descriptor, job.Location, error.Arguments) }));
        }
        catch (OperationCanceledException)
        {
            throw;
        }
        catch (Exception exception)
        {
            // A bug in Kiln must still not crash the build: report it with what is known.
            var info = DiagnosticInfo.Create(KilnDiagnostics.InternalError, job.Location, Path.GetFileName(request.ModelPath), $"{exception.GetType().Name}: {exception.Message}");
            return new GeneratedNetwork(hintName, null, EquatableArray.From(new[] { info }));
        }
    }

    private static string Normalize(string path) => path.Replace('\\', '/');
}
