namespace Kiln.Data;

/// <summary>
/// Labelled images read from a folder with one subfolder per label, such as <c>photos/cat/1.png</c> and
/// <c>photos/dog/2.jpg</c>. Labels are the subfolder names, sorted ordinally. Each label's images are the files
/// with an image extension anywhere below its subfolder.
/// </summary>
public sealed class ImageFolderStore
{
    /// <summary>Extensions recognized as images, compared case-insensitively.</summary>
    public static IReadOnlyList<string> ImageExtensions { get; } = [".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp"];

    private ImageFolderStore(string folder, IReadOnlyList<string> labels, IReadOnlyList<LabeledImage> images)
    {
        Folder = folder;
        Labels = labels;
        Images = images;
    }

    /// <summary>Full path of the folder that contains the label subfolders.</summary>
    public string Folder { get; }

    /// <summary>Label names in ordinal order. A label stays in the list when it has no images in this store.</summary>
    public IReadOnlyList<string> Labels { get; }

    /// <summary>Images grouped by label in <see cref="Labels"/> order, and sorted ordinally by path within a label.</summary>
    public IReadOnlyList<LabeledImage> Images { get; }

    /// <summary>Number of images.</summary>
    public int Count => Images.Count;

    /// <summary>
    /// Opens <paramref name="folder"/>: every subfolder is a label, except hidden ones whose name starts with a dot.
    /// Image files directly inside <paramref name="folder"/> have no label and are ignored.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException"><paramref name="folder"/> does not exist.</exception>
    /// <exception cref="InvalidDataException">The folder has no label subfolders, or they contain no image files.</exception>
    public static ImageFolderStore Open(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        string root = Path.GetFullPath(folder);
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"Image folder not found: '{root}'.");
        }

        string[] labelFolders = Directory.GetDirectories(root)
            .Where(path => !Path.GetFileName(path).StartsWith('.'))
            .Order(StringComparer.Ordinal)
            .ToArray();
        if (labelFolders.Length == 0)
        {
            throw new InvalidDataException(
                $"Image folder '{root}' has no label subfolders. Expected one subfolder per label with the images " +
                $"inside, such as '{Path.Combine(root, "cat", "1.png")}'.");
        }

        var labels = new string[labelFolders.Length];
        var images = new List<LabeledImage>();
        for (int i = 0; i < labelFolders.Length; i++)
        {
            labels[i] = Path.GetFileName(labelFolders[i]);
            IEnumerable<string> files = Directory.EnumerateFiles(labelFolders[i], "*", SearchOption.AllDirectories)
                .Where(IsImageFile)
                .Order(StringComparer.Ordinal);
            foreach (string file in files)
            {
                images.Add(new LabeledImage(file, labels[i]));
            }
        }

        if (images.Count == 0)
        {
            throw new InvalidDataException(
                $"Image folder '{root}' has label subfolders ({string.Join(", ", labels)}) but no image files in them. " +
                $"Expected files with the extensions {string.Join(" ", ImageExtensions)} inside the label subfolders.");
        }

        return new ImageFolderStore(root, labels, images);
    }

    /// <summary>
    /// Splits the images into a training and a test store, stratified by label: from each label,
    /// round(count × <paramref name="trainFraction"/>) images, with halves rounded up, go to Train and the rest to Test.
    /// A <see cref="Random"/> seeded with <paramref name="seed"/> shuffles each label's images, so the split is the
    /// same for the same seed, store and .NET version. Both stores keep all <see cref="Labels"/> and the order of
    /// <see cref="Images"/>.
    /// </summary>
    /// <param name="trainFraction">Fraction of each label's images that go to Train, from 0 to 1.</param>
    /// <param name="seed">Seed of the shuffle.</param>
    public (ImageFolderStore Train, ImageFolderStore Test) Split(double trainFraction, int seed)
    {
        if (!(trainFraction >= 0 && trainFraction <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(trainFraction), trainFraction, "The train fraction must be from 0 to 1.");
        }

        var random = new Random(seed);
        var inTrain = new bool[Images.Count];
        foreach (string label in Labels)
        {
            int[] indices = Enumerable.Range(0, Images.Count).Where(i => Images[i].Label == label).ToArray();
            random.Shuffle(indices);

            int trainCount = CountForFraction(indices.Length, trainFraction);
            for (int k = 0; k < trainCount; k++)
            {
                inTrain[indices[k]] = true;
            }
        }

        var train = new List<LabeledImage>();
        var test = new List<LabeledImage>();
        for (int i = 0; i < Images.Count; i++)
        {
            (inTrain[i] ? train : test).Add(Images[i]);
        }

        return (new ImageFolderStore(Folder, Labels, train), new ImageFolderStore(Folder, Labels, test));
    }

    /// <summary>Counts the images of each label. Every label is present, with 0 when it has no images here.</summary>
    public IReadOnlyDictionary<string, int> CountByLabel()
    {
        var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (string label in Labels)
        {
            counts[label] = 0;
        }

        foreach (LabeledImage image in Images)
        {
            counts[image.Label]++;
        }

        return counts;
    }

    private static bool IsImageFile(string path)
    {
        string extension = Path.GetExtension(path);
        return ImageExtensions.Any(known => string.Equals(known, extension, StringComparison.OrdinalIgnoreCase));
    }

    // The product goes through decimal so that the fraction counts as written: 50 × 0.29 is 14.5 and rounds to 15,
    // whereas the double product is 14.499999999999998 and would round to 14.
    private static int CountForFraction(int count, double fraction) =>
        (int)Math.Round(count * (decimal)fraction, MidpointRounding.AwayFromZero);
}
