using System.Runtime.CompilerServices;
using System.Text;

namespace Kiln.Compiler.Tests;

/// <summary>
/// Snapshot checks for generated code: compares text with <c>Snapshots/NAME.verified.cs</c> and, on a
/// difference, writes <c>NAME.received.cs</c> beside it and fails with the first differing lines. Set the
/// environment variable KILN_ACCEPT_SNAPSHOTS=1 to accept the received text as the new verified file.
/// </summary>
internal static class VerifiedFile
{
    public static void Assert(string name, string actual, [CallerFilePath] string callerPath = "")
    {
        string folder = Path.Combine(Path.GetDirectoryName(callerPath)!, "Snapshots");
        string verifiedPath = Path.Combine(folder, name + ".verified.cs");
        string receivedPath = Path.Combine(folder, name + ".received.cs");
        string normalized = actual.Replace("\r\n", "\n");

        if (Environment.GetEnvironmentVariable("KILN_ACCEPT_SNAPSHOTS") == "1")
        {
            Directory.CreateDirectory(folder);
            File.WriteAllText(verifiedPath, normalized);
        }

        string? verified = File.Exists(verifiedPath) ? File.ReadAllText(verifiedPath).Replace("\r\n", "\n") : null;
        if (verified == normalized)
        {
            File.Delete(receivedPath);
            return;
        }

        File.WriteAllText(receivedPath, normalized);
        string reason = verified is null ? $"{verifiedPath} does not exist." : Describe(verified, normalized);
        Xunit.Assert.Fail(
            $"Generated code for {name} differs from its snapshot. {reason}\n" +
            $"Compare {receivedPath} with {verifiedPath}; if the change is intended, rerun with KILN_ACCEPT_SNAPSHOTS=1 and commit the verified file.");
    }

    private static string Describe(string verified, string received)
    {
        string[] expected = verified.Split('\n');
        string[] actual = received.Split('\n');
        var text = new StringBuilder();
        int shown = 0;
        for (int line = 0; line < Math.Max(expected.Length, actual.Length) && shown < 5; line++)
        {
            string? before = line < expected.Length ? expected[line] : null;
            string? after = line < actual.Length ? actual[line] : null;
            if (before == after)
            {
                continue;
            }

            text.Append($"\nline {line + 1}:\n  - {before ?? "(none)"}\n  + {after ?? "(none)"}");
            shown++;
        }

        return $"First differences:{text}";
    }
}
