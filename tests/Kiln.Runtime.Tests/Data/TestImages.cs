namespace Kiln.Runtime.Tests.Data;

/// <summary>Paths of the shared test images.</summary>
internal static class TestImages
{
    private static readonly Lazy<string> DataFolder = new(FindDataFolder);

    /// <summary>75 gray 28 × 28 PNG images in 5 label folders of 15 each.</summary>
    public static string FashionProducts => Path.Combine(DataFolder.Value, "fashion-products");

    /// <summary>Returns the path of a colour photo, such as "chelsea.png".</summary>
    public static string Photo(string name) => Path.Combine(DataFolder.Value, "photos", name);

    /// <summary>Path of the first bag image of the fashion products.</summary>
    public static string GrayImage => Path.Combine(FashionProducts, "bag", "bag_01.png");

    // The data lives in shared/data beside the repository root, the folder that contains Directory.Build.props.
    // A missing folder fails the test instead of skipping it.
    private static string FindDataFolder()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Directory.Build.props")))
            {
                string data = Path.GetFullPath(Path.Combine(folder.FullName, "..", "shared", "data"));
                if (!Directory.Exists(Path.Combine(data, "fashion-products")) || !Directory.Exists(Path.Combine(data, "photos")))
                {
                    throw new DirectoryNotFoundException(
                        $"Test images not found: expected the folders fashion-products and photos in '{data}'.");
                }

                return data;
            }
        }

        throw new DirectoryNotFoundException(
            $"Repository root not found: no folder above '{AppContext.BaseDirectory}' contains Directory.Build.props.");
    }
}
