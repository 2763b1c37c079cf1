namespace Kiln.Conformance.Tests;

internal enum Outcome
{
    Pass,
    Fail,
    NotClaimed,
}

/// <summary>The outcome of one node test, with the reason for a failure or for not being claimed.</summary>
internal sealed record TestResult(string Name, IReadOnlyList<string> Operators, Outcome Outcome, string? Reason)
{
    public static TestResult Passed(NodeTest test) => new(test.Name, test.Operators, Outcome.Pass, null);

    public static TestResult Failed(NodeTest test, string reason) => new(test.Name, test.Operators, Outcome.Fail, reason);

    public static TestResult NotClaimed(NodeTest test) =>
        new(test.Name, test.Operators, Outcome.NotClaimed, test.UnclaimedOperators.Count > 0
            ? $"Kiln does not claim {string.Join(", ", test.UnclaimedOperators)} at opset {test.Opset}"
            : $"{string.Join("; ", test.UnclaimedValues)}, but Kiln claims operators on tensors of numbers and bools only");
}
