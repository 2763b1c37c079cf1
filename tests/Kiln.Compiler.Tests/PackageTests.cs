using System.Diagnostics;

namespace Kiln.Compiler.Tests;

/// <summary>
/// Packs Kiln the way it ships, then builds and runs a fresh console project that adds it as a user would: one
/// package reference and AdditionalFiles items, two of them models with external data files.
/// </summary>
public sealed class PackageTests : IDisposable
{
    private readonly TestModels _work = new();

    public void Dispose() => _work.Dispose();

    [Fact]
    public void PackedPackageCompilesAndRunsModel()
    {
        string root = RepositoryRoot();
        string feed = Path.Combine(_work.Folder, "feed");

        // A version of its own for each run, so that the NuGet cache never serves a package packed earlier.
        string version = $"0.1.0-test{DateTime.UtcNow:yyyyMMddHHmmssfff}";
        Run("dotnet", $"pack \"{Path.Combine(root, "runtime", "Kiln.Runtime")}\" -c Release -o \"{feed}\" -p:Version={version}", root);

        string app = Path.Combine(_work.Folder, "app");
        Directory.CreateDirectory(app);
        _work.Write(Path.Combine("app", "tiny.onnx"), TestModels.TinyConvRelu());

        // Two models with external data: one with ext.onnx.data beside it, found by name, and one whose files its item lists.
        _work.Write(Path.Combine("app", "ext.onnx"), ExternalDataTests.Model(
            ExternalDataTests.External("w", [1, 1, 2, 2], "ext.onnx.data", offset: 0, length: 16),
            ExternalDataTests.External("b", [1], "ext.onnx.data", offset: 16, length: 4)));
        _work.WriteBytes(Path.Combine("app", "ext.onnx.data"), [.. ExternalDataTests.Bytes(ExternalDataTests.Weights), .. ExternalDataTests.Bytes(ExternalDataTests.Bias)]);
        Directory.CreateDirectory(Path.Combine(app, "models", "weights"));
        _work.Write(Path.Combine("app", "models", "listed.onnx"), ExternalDataTests.Model(
            ExternalDataTests.External("w", [1, 1, 2, 2], "weights/conv.bin", offset: 0, length: 16),
            ExternalDataTests.External("b", [1], "bias.bin", offset: 0, length: 4)));
        _work.WriteBytes(Path.Combine("app", "models", "weights", "conv.bin"), ExternalDataTests.Bytes(ExternalDataTests.Weights));
        _work.WriteBytes(Path.Combine("app", "models", "bias.bin"), ExternalDataTests.Bytes(ExternalDataTests.Bias));
        File.WriteAllText(Path.Combine(app, "nuget.config"), $"""
            <configuration>
              <packageSources>
                <add key="kiln" value="{feed}" />
              </packageSources>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(app, "App.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Kiln" Version="{version}" />
                <AdditionalFiles Include="tiny.onnx" />
                <AdditionalFiles Include="ext.onnx" />
                <AdditionalFiles Include="models/listed.onnx" ExternalData="weights/conv.bin;bias.bin" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(app, "Program.cs"), """
            using Kiln;

            using var network = new Tiny();
            float[] x = [9, 1, 4, 2, 3, 0, 5, 8, -6];
            System.Console.WriteLine(string.Join(" ", network.Activations(x).Values.ToArray()));
            using var beside = new Ext();
            System.Console.WriteLine(string.Join(" ", beside.Activations(x).Values.ToArray()));
            using var listed = new Listed();
            System.Console.WriteLine(string.Join(" ", listed.Activations(x).Values.ToArray()));

            [OnnxNetwork("tiny.onnx")]
            public sealed partial class Tiny;

            [OnnxNetwork("ext.onnx")]
            public sealed partial class Ext;

            [OnnxNetwork("models/listed.onnx")]
            public sealed partial class Listed;
            """);

        string[] lines = Run("dotnet", "run -c Release", app).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        // Conv 2×2 with w = [[1, 0], [0, -1]], b = 0.5, then Relu, worked out by hand.
        Assert.Equal("6.5 1.5 0 9.5", lines[^3]);

        // The external data models' weights give 6.5 1.5 7 16.5 (worked out in ExternalDataTests).
        Assert.Equal("6.5 1.5 7 16.5", lines[^2]);
        Assert.Equal("6.5 1.5 7 16.5", lines[^1]);
    }

    private static string Run(string fileName, string arguments, string folder)
    {
        var start = new ProcessStartInfo(fileName, arguments)
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using Process process = Process.Start(start)!;
        Task<string> error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"'{fileName} {arguments}' in {folder} did not finish within 5 minutes.");
        }

        Assert.True(process.ExitCode == 0, $"'{fileName} {arguments}' in {folder} failed with exit code {process.ExitCode}:\n{output}\n{error.Result}");
        return output;
    }

    internal static string RepositoryRoot()
    {
        for (DirectoryInfo? folder = new(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Compiler.sln")))
            {
                return folder.FullName;
            }
        }

        throw new DirectoryNotFoundException($"No folder holding Compiler.sln above {AppContext.BaseDirectory}.");
    }
}
