using System.Reflection;
using Kiln.Compiler.Diagnostics;
using Microsoft.CodeAnalysis;

namespace Kiln.Compiler.Tests;

/// <summary>Every diagnostic descriptor has a help link, a page in docs/diagnostics, a row in its README and a release-tracking entry.</summary>
public sealed class DiagnosticCatalogueTests
{
    public static TheoryData<string> Ids()
    {
        var ids = new TheoryData<string>();
        foreach (DiagnosticDescriptor descriptor in Descriptors())
        {
            ids.Add(descriptor.Id);
        }

        return ids;
    }

    [Fact]
    public void IdsAreUnique()
    {
        List<string> ids = Descriptors().Select(d => d.Id).ToList();

        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Contains("KLN0018", ids);
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void HelpLinkNamesDocsPage(string id)
    {
        DiagnosticDescriptor descriptor = Descriptor(id);
        string root = PackageTests.RepositoryRoot();

        Assert.Equal(KilnDiagnostics.HelpLinkBase + id + ".md", descriptor.HelpLinkUri);
        Assert.True(File.Exists(Path.Combine(root, descriptor.HelpLinkUri)), $"{descriptor.HelpLinkUri} does not exist below {root}.");
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void DocsPageHasTitleAndSections(string id)
    {
        DiagnosticDescriptor descriptor = Descriptor(id);
        string page = File.ReadAllText(Path.Combine(PackageTests.RepositoryRoot(), "docs", "diagnostics", id + ".md"));

        Assert.StartsWith($"# {id}: {descriptor.Title}\n", page.Replace("\r\n", "\n"));
        Assert.Contains("## Cause", page);
        Assert.Contains("## Example", page);
        Assert.Contains("## Fix", page);
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void ReadmeListsDiagnostic(string id)
    {
        DiagnosticDescriptor descriptor = Descriptor(id);
        string readme = File.ReadAllText(Path.Combine(PackageTests.RepositoryRoot(), "docs", "diagnostics", "README.md"));

        Assert.Contains($"| [{id}]({id}.md) | {descriptor.Title} |", readme);
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void ReleaseTrackingListsDiagnostic(string id)
    {
        DiagnosticDescriptor descriptor = Descriptor(id);
        string releases = File.ReadAllText(Path.Combine(PackageTests.RepositoryRoot(), "compiler", "Kiln.Compiler", "AnalyzerReleases.Unshipped.md"));

        Assert.Contains($"{id} | Kiln | Error | {descriptor.Title}", releases);
    }

    private static DiagnosticDescriptor Descriptor(string id) => Descriptors().Single(d => d.Id == id);

    private static IEnumerable<DiagnosticDescriptor> Descriptors() =>
        typeof(KilnDiagnostics).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(field => field.FieldType == typeof(DiagnosticDescriptor))
            .Select(field => (DiagnosticDescriptor)field.GetValue(null)!);
}
