using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace Kiln.Conformance.Tests;

/// <summary>Runs the ONNX backend node tests through Kiln and records the results in RESULTS.md.</summary>
public sealed class NodeTestConformanceTests(ITestOutputHelper output)
{
    [Fact]
    public void EveryClaimedNodeTestPasses()
    {
        int recordedPasses = RecordedPasses();
        ConformanceRun run = ConformanceRun.Execute();
        File.WriteAllText(ResultsReport.FilePath, ResultsReport.Format(run));

        output.WriteLine($"ONNX node tests: {ResultsReport.Totals(run)}; {run.Elapsed.TotalSeconds:F1} s.");
        output.WriteLine($"Results written to {ResultsReport.FilePath}.");

        Assert.Equal(NodeTestSuite.ExpectedTestCount, run.Results.Count);

        // Every test whose operators and value types Kiln claims must pass: a build-time refusal counts as a failure
        // as much as a wrong value, a crash or code that does not compile.
        var failures = run.Results.Where(r => r.Outcome == Outcome.Fail).ToList();
        Assert.True(
            failures.Count == 0,
            $"{failures.Count} claimed node test(s) fail:{Environment.NewLine}" +
            string.Join(Environment.NewLine, failures.Select(failure => $"{failure.Name}: {failure.Reason}")));

        int passes = run.Results.Count(r => r.Outcome == Outcome.Pass);
        Assert.True(
            passes >= recordedPasses,
            $"{passes} node tests pass, fewer than the {recordedPasses} that the committed RESULTS.md records.");
    }

    /// <summary>The pass count of the RESULTS.md this run replaces, so that a change that loses passes fails; 0 when there is none.</summary>
    private static int RecordedPasses()
    {
        if (!File.Exists(ResultsReport.FilePath))
        {
            return 0;
        }

        Match match = Regex.Match(File.ReadAllText(ResultsReport.FilePath), @"^\| pass \| (\d+) \|", RegexOptions.Multiline);
        return match.Success ? int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
    }
}
