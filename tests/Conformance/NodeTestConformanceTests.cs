using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace Kiln.Conformance.Tests;

/// <summary>Runs the ONNX backend node tests through Kiln and records the results in RESULTS.md.</summary>
public sealed class NodeTestConformanceTests(ITestOutputHelper output)
{
    [Fact]
    public void ClaimedNodeTestsNeverGiveWrongAnswers()
    {
        int recordedPasses = RecordedPasses();
        ConformanceRun run = ConformanceRun.Execute();
        File.WriteAllText(ResultsReport.FilePath, ResultsReport.Format(run));

        output.WriteLine($"ONNX node tests: {ResultsReport.Totals(run)}; {run.Elapsed.TotalSeconds:F1} s.");
        output.WriteLine($"Results written to {ResultsReport.FilePath}.");

        Assert.Equal(NodeTestSuite.ExpectedTestCount, run.Results.Count);

        // A claimed test that Kiln refuses at build time, with a diagnostic naming what it does not implement, is listed
        // as a failure in RESULTS.md. Any other failure (a wrong value or shape, a crash, code that does not compile,
        // a Kiln bug) is a wrong result, and there must be none.
        var refused = run.Results.Where(r => r.Outcome == Outcome.Fail && IsBuildTimeRefusal(r.Reason)).ToList();
        var wrong = run.Results.Where(r => r.Outcome == Outcome.Fail && !IsBuildTimeRefusal(r.Reason)).ToList();
        output.WriteLine($"{refused.Count} claimed test(s) refused at build time:");
        foreach (TestResult result in refused)
        {
            output.WriteLine($"  {result.Name}: {result.Reason}");
        }

        Assert.True(
            wrong.Count == 0,
            $"{wrong.Count} claimed node test(s) give wrong answers or crash:{Environment.NewLine}" +
            string.Join(Environment.NewLine, wrong.Select(failure => $"{failure.Name}: {failure.Reason}")));

        int passes = run.Results.Count(r => r.Outcome == Outcome.Pass);
        Assert.True(
            passes >= recordedPasses,
            $"{passes} node tests pass, fewer than the {recordedPasses} that the committed RESULTS.md records.");
    }

    private static bool IsBuildTimeRefusal(string? reason) =>
        reason is not null && reason.StartsWith("KLN", StringComparison.Ordinal) && !reason.StartsWith("KLN9999", StringComparison.Ordinal);

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
