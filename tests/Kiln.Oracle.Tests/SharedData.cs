namespace Kiln.Oracle.Tests;

/// <summary>
/// Paths into the shared folder that sits next to the repository (<c>../shared</c> from the folder that contains
/// Compiler.sln): the models and data sets the oracle tests read.
/// </summary>
internal static class SharedData
{
    private static readonly Lazy<string> SharedFolder = new(FindSharedFolder);

    /// <summary>The folder of real photos (PNG and JPEG).</summary>
    public static string PhotosFolder => Folder("data", "photos");

    /// <summary>The gzip-compressed idx files of the Fashion-MNIST test set.</summary>
    public static string FashionMnistFolder => Folder("data", "fashion-mnist-t10k");

    private static string Folder(params string[] parts)
    {
        string path = Path.Combine([SharedFolder.Value, .. parts]);
        if (!Directory.Exists(path))
        {
            throw new DirectoryNotFoundException(
                $"Test data folder not found: '{path}'. The oracle tests need the shared models and data next to the repository.");
        }

        return path;
    }

    private static string FindSharedFolder()
    {
        string repositoryRoot = FindRepositoryRoot();
        string shared = Path.GetFullPath(Path.Combine(repositoryRoot, "..", "shared"));
        if (!Directory.Exists(shared))
        {
            throw new DirectoryNotFoundException(
                $"The shared folder '{shared}' is missing. The oracle tests read models and data from ../shared " +
                $"relative to the repository root '{repositoryRoot}'; restore that folder before running them.");
        }

        return shared;
    }

    private static string FindRepositoryRoot()
    {
        for (DirectoryInfo? folder = new(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (System.IO.File.Exists(Path.Combine(folder.FullName, "Compiler.sln")))
            {
                return folder.FullName;
            }
        }

        throw new DirectoryNotFoundException(
            $"No folder containing Compiler.sln was found above '{AppContext.BaseDirectory}'. " +
            "Run the oracle tests from a build inside the Kiln repository.");
    }
}
