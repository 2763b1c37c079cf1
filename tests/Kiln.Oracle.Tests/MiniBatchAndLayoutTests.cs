namespace Kiln.Oracle.Tests;

/// <summary>Mini-batch sizes and result layouts of a compiled network, on 100 Fashion-MNIST images through fashion-alexnet.</summary>
public sealed class MiniBatchAndLayoutTests : IClassFixture<FashionAlexNetFixture>
{
    // 100 images in mini-batches of 7: fourteen full ones and a tail of 2.
    private const int SmallMiniBatch = 7;

    private readonly FashionAlexNetFixture _fixture;

    public MiniBatchAndLayoutTests(FashionAlexNetFixture fixture)
    {
        _fixture = fixture;
    }

    [Theory]
    [InlineData("pool5")]
    [InlineData("prob")]
    public void MiniBatchSize7_EqualsDefault(string layerName)
    {
        using var small = new FashionAlexNet(new ActivationOptions { MiniBatchSize = SmallMiniBatch });
        using var large = new FashionAlexNet(new ActivationOptions { MiniBatchSize = 128 });

        float[] smallValues = small.Activations(_fixture.Images.Input, layerName).ToArray();
        float[] largeValues = large.Activations(_fixture.Images.Input, layerName).ToArray();

        Assert.Equal(largeValues, smallValues);
    }

    [Fact]
    public void MiniBatchSize7_ReportsEachBatch()
    {
        var progress = new RecordingProgress();
        using var network = new FashionAlexNet(new ActivationOptions { MiniBatchSize = SmallMiniBatch, Progress = progress });

        network.Activations(_fixture.Images.Input);

        int[] expected = [7, 14, 21, 28, 35, 42, 49, 56, 63, 70, 77, 84, 91, 98, 100];
        Assert.Equal(expected, progress.Reports.Select(report => report.Completed));
        Assert.All(progress.Reports, report => Assert.Equal(FashionAlexNetFixture.ImageCount, report.Total));
    }

    [Fact]
    public void Rows_AreObservationsByFeatures()
    {
        using var network = new FashionAlexNet();
        Activations channels = network.Activations(_fixture.Images.Input, "pool5", OutputAs.Channels);
        Activations rows = network.Activations(_fixture.Images.Input, "pool5", OutputAs.Rows);
        int features = FashionAlexNet.Layers.pool5.ElementCount;

        Assert.Equal([FashionAlexNetFixture.ImageCount, features], rows.Shape);
        Assert.Equal(channels.Values.ToArray(), rows.Values.ToArray());
    }

    [Fact]
    public void Columns_AreTransposeOfRows()
    {
        using var network = new FashionAlexNet();
        Activations rows = network.Activations(_fixture.Images.Input, "pool5", OutputAs.Rows);
        Activations columns = network.Activations(_fixture.Images.Input, "pool5", OutputAs.Columns);
        int observations = FashionAlexNetFixture.ImageCount;
        int features = FashionAlexNet.Layers.pool5.ElementCount;

        var transposed = new float[features * observations];
        for (int observation = 0; observation < observations; observation++)
        {
            for (int feature = 0; feature < features; feature++)
            {
                transposed[(feature * observations) + observation] = rows.Values[(observation * features) + feature];
            }
        }

        Assert.Equal([features, observations], columns.Shape);
        Assert.Equal(transposed, columns.Values.ToArray());
    }

    [Fact]
    public void Columns_GetObservationEqualsRows()
    {
        using var network = new FashionAlexNet();
        Activations rows = network.Activations(_fixture.Images.Input, "prob", OutputAs.Rows);
        Activations columns = network.Activations(_fixture.Images.Input, "prob", OutputAs.Columns);

        for (int observation = 0; observation < FashionAlexNetFixture.ImageCount; observation++)
        {
            Assert.Equal(rows.GetObservation(observation), columns.GetObservation(observation));
        }
    }

    /// <summary>Records progress reports on the reporting thread, unlike <see cref="Progress{T}"/>, which posts them.</summary>
    private sealed class RecordingProgress : IProgress<ActivationProgress>
    {
        public List<ActivationProgress> Reports { get; } = [];

        public void Report(ActivationProgress value) => Reports.Add(value);
    }
}
