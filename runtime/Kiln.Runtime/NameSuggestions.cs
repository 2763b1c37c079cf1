using System;
using System.Collections.Generic;
using System.Linq;

namespace Kiln;

/// <summary>
/// Picks the names closest to a misspelled one, by edit distance, for error messages. The generator compiles
/// this same file, so a layer name misspelt in code and one misspelt in an attribute get the same suggestions.
/// </summary>
internal static class NameSuggestions
{
    public static IEnumerable<string> Closest(string name, IEnumerable<string> candidates, int count) =>
        candidates
            .Distinct(StringComparer.Ordinal)
            .OrderBy(candidate => EditDistance(name.ToUpperInvariant(), candidate.ToUpperInvariant()))
            .ThenBy(candidate => candidate, StringComparer.Ordinal)
            .Take(count);

    // Levenshtein distance with two rolling rows.
    private static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j] + 1, current[j - 1] + 1));
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
