using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace Kiln.Compiler.Generate;

/// <summary>
/// The external data files that Kiln's build targets embed beside a model, and their manifest resource names.
/// Kiln.targets applies the same rule: the files listed in the AdditionalFiles item's <c>ExternalData</c> metadata
/// (paths relative to the model's folder, separated by semicolons), or else <c>&lt;model file&gt;.data</c> beside the model.
/// The generator receives the metadata with '|' in place of ';' (see Kiln.targets), and accepts either.
/// </summary>
internal sealed class ExternalDataFiles
{
    private readonly Dictionary<string, string> _resources = new Dictionary<string, string>(StringComparer.Ordinal);
    private readonly List<string> _locations = new List<string>();

    public ExternalDataFiles(string modelPath, string modelResourceName, string? metadata)
    {
        IEnumerable<string> listed = string.IsNullOrWhiteSpace(metadata)
            ? new[] { Path.GetFileName(modelPath) + ".data" }
            : metadata!.Split(';', '|').Select(entry => entry.Trim()).Where(entry => entry.Length > 0);

        // The resource name keeps the entry as the metadata spells it, with forward slashes, because that is what the targets write.
        foreach (string entry in listed)
        {
            string spelled = entry.Replace('\\', '/');
            _resources[Normalize(spelled)] = modelResourceName + "/" + spelled;
            _locations.Add(spelled);
        }
    }

    /// <summary>The locations the build embeds, as the metadata or the default name spells them.</summary>
    public IReadOnlyList<string> Locations => _locations;

    /// <summary>The manifest resource name of the external file at <paramref name="location"/>, or null when the build does not embed it.</summary>
    public string? ResourceName(string location) =>
        _resources.TryGetValue(Normalize(location.Replace('\\', '/')), out string? resource) ? resource : null;

    private static string Normalize(string location)
    {
        while (location.StartsWith("./", StringComparison.Ordinal))
        {
            location = location.Substring(2);
        }

        return location;
    }
}
