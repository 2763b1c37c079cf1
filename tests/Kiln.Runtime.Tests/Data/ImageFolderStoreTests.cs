using Kiln.Data;

namespace Kiln.Runtime.Tests.Data;

public sealed class ImageFolderStoreTests
{
    private static readonly string[] FashionLabels = ["bag", "sandal", "sneaker", "trouser", "tshirt"];

    [Fact]
    public void Open_FindsLabels()
    {
        ImageFolderStore store = ImageFolderStore.Open(TestImages.FashionProducts);

        Assert.Equal(FashionLabels, store.Labels);
    }

    [Fact]
    public void Open_FindsImages()
    {
        ImageFolderStore store = ImageFolderStore.Open(TestImages.FashionProducts);

        Assert.Equal(75, store.Count);
        Assert.Equal(75, store.Images.Count);
    }

    [Fact]
    public void Open_LabelsImagesByFolder()
    {
        ImageFolderStore store = ImageFolderStore.Open(TestImages.FashionProducts);

        foreach (LabeledImage image in store.Images)
        {
            Assert.Equal(image.Label, Path.GetFileName(Path.GetDirectoryName(image.Path)));
        }
    }

    [Fact]
    public void Open_OrdersByLabelThenPath()
    {
        ImageFolderStore store = ImageFolderStore.Open(TestImages.FashionProducts);

        LabeledImage[] expected = store.Images
            .OrderBy(image => Array.IndexOf(FashionLabels, image.Label))
            .ThenBy(image => image.Path, StringComparer.Ordinal)
            .ToArray();
        Assert.Equal(expected, store.Images);
        Assert.EndsWith(Path.Combine("bag", "bag_01.png"), store.Images[0].Path);
    }

    [Fact]
    public void CountByLabel_FifteenEach()
    {
        ImageFolderStore store = ImageFolderStore.Open(TestImages.FashionProducts);

        IReadOnlyDictionary<string, int> counts = store.CountByLabel();

        Assert.Equal(FashionLabels, counts.Keys);
        Assert.All(counts.Values, count => Assert.Equal(15, count));
    }

    [Fact]
    public void Split_TotalCounts()
    {
        (ImageFolderStore train, ImageFolderStore test) = ImageFolderStore.Open(TestImages.FashionProducts).Split(0.7, seed: 1);

        Assert.Equal(55, train.Count);
        Assert.Equal(20, test.Count);
    }

    [Fact]
    public void Split_CountsPerLabel()
    {
        (ImageFolderStore train, ImageFolderStore test) = ImageFolderStore.Open(TestImages.FashionProducts).Split(0.7, seed: 1);

        Assert.All(train.CountByLabel().Values, count => Assert.Equal(11, count));
        Assert.All(test.CountByLabel().Values, count => Assert.Equal(4, count));
    }

    [Fact]
    public void Split_KeepsLabels()
    {
        (ImageFolderStore train, ImageFolderStore test) = ImageFolderStore.Open(TestImages.FashionProducts).Split(0.7, seed: 1);

        Assert.Equal(FashionLabels, train.Labels);
        Assert.Equal(FashionLabels, test.Labels);
    }

    [Fact]
    public void Split_SameSeedSameSplit()
    {
        ImageFolderStore store = ImageFolderStore.Open(TestImages.FashionProducts);

        (ImageFolderStore firstTrain, ImageFolderStore firstTest) = store.Split(0.7, seed: 42);
        (ImageFolderStore secondTrain, ImageFolderStore secondTest) = store.Split(0.7, seed: 42);

        Assert.Equal(firstTrain.Images, secondTrain.Images);
        Assert.Equal(firstTest.Images, secondTest.Images);
    }

    [Fact]
    public void Split_OtherSeedOtherSplit()
    {
        ImageFolderStore store = ImageFolderStore.Open(TestImages.FashionProducts);

        (ImageFolderStore first, _) = store.Split(0.7, seed: 42);
        (ImageFolderStore second, _) = store.Split(0.7, seed: 43);

        Assert.NotEqual(first.Images, second.Images);
    }

    [Fact]
    public void Split_TrainAndTestDisjoint()
    {
        ImageFolderStore store = ImageFolderStore.Open(TestImages.FashionProducts);

        (ImageFolderStore train, ImageFolderStore test) = store.Split(0.7, seed: 7);

        Assert.Empty(train.Images.Intersect(test.Images));
        Assert.Equal(store.Images.Select(image => image.Path).Order(), train.Images.Concat(test.Images).Select(image => image.Path).Order());
    }

    [Fact]
    public void Split_FractionOutOfRange()
    {
        ImageFolderStore store = ImageFolderStore.Open(TestImages.FashionProducts);

        Assert.Throws<ArgumentOutOfRangeException>(() => store.Split(1.5, seed: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => store.Split(double.NaN, seed: 1));
    }

    [Theory]
    [InlineData(0.0, 0)]
    [InlineData(1.0, 15)]
    [InlineData(0.5, 8)]
    public void Split_RoundsHalfUp(double fraction, int trainPerLabel)
    {
        (ImageFolderStore train, _) = ImageFolderStore.Open(TestImages.FashionProducts).Split(fraction, seed: 3);

        Assert.All(train.CountByLabel().Values, count => Assert.Equal(trainPerLabel, count));
    }

    [Fact]
    public void Open_MissingFolder()
    {
        using var temporary = new TemporaryFolder();
        string missing = Path.Combine(temporary.Path, "missing");

        var error = Assert.Throws<DirectoryNotFoundException>(() => ImageFolderStore.Open(missing));

        Assert.Contains(missing, error.Message);
    }

    [Fact]
    public void Open_NoLabelFolders()
    {
        using var temporary = new TemporaryFolder();
        string folder = temporary.Path;
        File.Copy(TestImages.GrayImage, Path.Combine(folder, "loose.png"));

        var error = Assert.Throws<InvalidDataException>(() => ImageFolderStore.Open(folder));

        Assert.Contains("no label subfolders", error.Message);
    }

    [Fact]
    public void Open_NoImages()
    {
        using var temporary = new TemporaryFolder();
        string folder = temporary.Path;
        Directory.CreateDirectory(Path.Combine(folder, "cat"));
        File.WriteAllText(Path.Combine(folder, "cat", "notes.txt"), "not an image");

        var error = Assert.Throws<InvalidDataException>(() => ImageFolderStore.Open(folder));

        Assert.Contains("no image files", error.Message);
    }

    [Fact]
    public void Open_FiltersByExtension()
    {
        using var temporary = new TemporaryFolder();
        string folder = temporary.Path;
        Directory.CreateDirectory(Path.Combine(folder, "cat", "nested"));
        Directory.CreateDirectory(Path.Combine(folder, "dog"));
        Directory.CreateDirectory(Path.Combine(folder, ".cache"));
        File.WriteAllText(Path.Combine(folder, "cat", "a.PNG"), "");
        File.WriteAllText(Path.Combine(folder, "cat", "nested", "b.webp"), "");
        File.WriteAllText(Path.Combine(folder, "cat", "c.txt"), "");
        File.WriteAllText(Path.Combine(folder, "dog", "d.Jpeg"), "");
        File.WriteAllText(Path.Combine(folder, ".cache", "e.png"), "");

        ImageFolderStore store = ImageFolderStore.Open(folder);

        Assert.Equal(["cat", "dog"], store.Labels);
        Assert.Equal(["a.PNG", "b.webp", "d.Jpeg"], store.Images.Select(image => Path.GetFileName(image.Path)));
    }

    [Fact]
    public void Open_KeepsEmptyLabel()
    {
        using var temporary = new TemporaryFolder();
        string folder = temporary.Path;
        Directory.CreateDirectory(Path.Combine(folder, "cat"));
        Directory.CreateDirectory(Path.Combine(folder, "dog"));
        File.Copy(TestImages.GrayImage, Path.Combine(folder, "dog", "1.png"));

        ImageFolderStore store = ImageFolderStore.Open(folder);

        Assert.Equal(["cat", "dog"], store.Labels);
        Assert.Equal(0, store.CountByLabel()["cat"]);
    }
}
