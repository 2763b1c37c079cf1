using System.Diagnostics;

namespace Kiln.Compiler.Tests;

/// <summary>
/// Packs Kiln the way it ships, then builds and runs a fresh console project that adds it as a user would: one
/// package reference and one AdditionalFiles item.
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
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(app, "Program.cs"), """
            using Kiln;

            using var network = new Tiny();
            float[] x = [9, 1, 4, 2, 3, 0, 5, 8, -6];
            System.Console.WriteLine(string.Join(" ", network.Activations(x).Values.ToArray()));

            [OnnxNetwork("tiny.onnx")]
            public sealed partial class Tiny;
            """);

        string output = Run("dotnet", "run -c Release", app);

        // Conv 2×2 with w = [[1, 0], [0, -1]], b = 0.5, then Relu, worked out by hand.
        Assert.Contains("6.5 1.5 0 9.5", output);
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

    private static string RepositoryRoot()
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
