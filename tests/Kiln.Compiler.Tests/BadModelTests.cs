using Google.Protobuf;
using Kiln.Compiler.Read.Onnx;
using Microsoft.CodeAnalysis;

namespace Kiln.Compiler.Tests;

/// <summary>Each kind of malformed model gets its own KLN diagnostic on the attribute, with a message that names the problem.</summary>
public sealed class BadModelTests : IDisposable
{
    private readonly TestModels _models = new();

    public void Dispose() => _models.Dispose();

    [Fact]
    public void ValidProtobufThatIsNotModel()
    {
        var notAModel = new TensorProto { Name = "stray", DataType = 1 };
        notAModel.Dims.Add(3);

        Diagnostic diagnostic = Single(_models.WriteBytes("net.onnx", notAModel.ToByteArray()));

        Assert.Equal("KLN0003", diagnostic.Id);
    }

    [Fact]
    public void MissingGraph()
    {
        ModelProto model = TestModels.TinyConvRelu();
        model.Graph = null;

        Diagnostic diagnostic = Single(_models.Write("net.onnx", model));

        Assert.Equal("KLN0003", diagnostic.Id);
        Assert.Contains("no graph", diagnostic.GetMessage());
    }

    [Fact]
    public void GraphOutputNobodyProduces()
    {
        ModelProto model = TestModels.TinyConvRelu();
        model.Graph.Output[0].Name = "phantom";

        Diagnostic diagnostic = Single(_models.Write("net.onnx", model));

        Assert.Equal("KLN0007", diagnostic.Id);
        Assert.Contains("'phantom'", diagnostic.GetMessage());
    }

    [Fact]
    public void NodeReadsTensorNobodyProduces()
    {
        ModelProto model = TestModels.TinyConvRelu();
        model.Graph.Node[1].Input[0] = "ghost";

        Diagnostic diagnostic = Single(_models.Write("net.onnx", model));

        Assert.Equal("KLN0007", diagnostic.Id);
        Assert.Contains("'ghost'", diagnostic.GetMessage());
        Assert.Contains("'relu'", diagnostic.GetMessage());
    }

    [Fact]
    public void CycleIsReported()
    {
        ModelProto model = TestModels.TinyConvRelu();
        model.Graph.Node[0].Input[0] = "y";

        Diagnostic diagnostic = Single(_models.Write("net.onnx", model));

        Assert.Equal("KLN0007", diagnostic.Id);
        Assert.Contains("cycle", diagnostic.GetMessage());
    }

    [Fact]
    public void DuplicateOutputNames()
    {
        ModelProto model = TestModels.TinyConvRelu();
        model.Graph.Node[1].Output[0] = "c";

        Diagnostic diagnostic = Single(_models.Write("net.onnx", model));

        Assert.Equal("KLN0007", diagnostic.Id);
        Assert.Contains("'c' is produced twice", diagnostic.GetMessage());
    }

    [Fact]
    public void NegativeInitializerDimension()
    {
        ModelProto model = TestModels.TinyConvRelu();
        model.Graph.Initializer[1].Dims[0] = -1;

        Diagnostic diagnostic = Single(_models.Write("net.onnx", model));

        Assert.Equal("KLN0007", diagnostic.Id);
        Assert.Contains("'b'", diagnostic.GetMessage());
    }

    [Fact]
    public void InitializerDataShorterThanDims()
    {
        ModelProto model = TestModels.TinyConvRelu();
        model.Graph.Initializer[0].Dims[0] = 2;

        Diagnostic diagnostic = Single(_models.Write("net.onnx", model));

        Assert.Equal("KLN0007", diagnostic.Id);
        Assert.Contains("(8 values) but stores 4", diagnostic.GetMessage());
    }

    [Fact]
    public void UnknownElementType()
    {
        ModelProto model = TestModels.TinyConvRelu();
        model.Graph.Initializer[1].DataType = 99;

        Diagnostic diagnostic = Single(_models.Write("net.onnx", model));

        Assert.Equal("KLN0007", diagnostic.Id);
        Assert.Contains("unknown element type 99", diagnostic.GetMessage());
    }

    [Fact]
    public void AttributeOfWrongType()
    {
        ModelProto model = TestModels.TinyConvRelu();
        model.Graph.Node[0].Attribute.Add(TestModels.Float("group", 1f));

        Diagnostic diagnostic = Single(_models.Write("net.onnx", model));

        Assert.Equal("KLN0006", diagnostic.Id);
        Assert.Contains("attribute 'group' must be of type INT, but it is FLOAT", diagnostic.GetMessage());
    }

    [Fact]
    public void OpsetNewerThanImplemented()
    {
        ModelProto model = TestModels.TinyConvRelu();
        model.OpsetImport[0].Version = 21;

        Diagnostic diagnostic = Single(_models.Write("net.onnx", model));

        Assert.Equal("KLN0010", diagnostic.Id);
        Assert.Contains("opset 21", diagnostic.GetMessage());
    }

    [Fact]
    public void SymbolicDimensionBeyondBatch()
    {
        ModelProto model = TestModels.TinyConvRelu();
        model.Graph.Input[0].Type.TensorType.Shape.Dim[2] = new TensorShapeProto.Types.Dimension { DimParam = "height" };

        Diagnostic diagnostic = Single(_models.Write("net.onnx", model));

        Assert.Equal("KLN0008", diagnostic.Id);
        Assert.Contains("'height' at axis 2", diagnostic.GetMessage());
    }

    [Fact]
    public void ZeroDimensionAConvolutionCannotUse()
    {
        // A zero-size dimension is valid ONNX and compiles where the operators accept it. A 3×3 convolution over an
        // image of height 0 has no output, so the Conv node reports it.
        ModelProto model = TestModels.TinyConvRelu();
        model.Graph.Input[0].Type.TensorType.Shape.Dim[2] = new TensorShapeProto.Types.Dimension { DimValue = 0 };

        Diagnostic diagnostic = Single(_models.Write("net.onnx", model));

        Assert.Equal("KLN0006", diagnostic.Id);
        Assert.Contains("(Conv, opset", diagnostic.GetMessage());
    }

    [Fact]
    public void OverflowingDimensions()
    {
        ModelProto model = TestModels.TinyConvRelu();
        model.Graph.Input[0].Type.TensorType.Shape.Dim[2] = new TensorShapeProto.Types.Dimension { DimValue = 1L << 40 };

        Diagnostic diagnostic = Single(_models.Write("net.onnx", model));

        Assert.Equal("KLN0007", diagnostic.Id);
        Assert.Contains("more than Kiln supports", diagnostic.GetMessage());
    }

    [Theory]
    [InlineData("../secret.bin")]
    [InlineData("/etc/passwd")]
    [InlineData("weights/../../secret.bin")]
    [InlineData("..\\secret.bin")]
    public void ExternalDataOutsideModelFolderIsRejected(string location)
    {
        Diagnostic diagnostic = Single(_models.Write("net.onnx", WithExternalWeights(location)));

        Assert.Equal("KLN0013", diagnostic.Id);
        Assert.Contains($"'{location}'", diagnostic.GetMessage());
        Assert.Contains("initializer 'w'", diagnostic.GetMessage());
    }

    [Fact]
    public void ExternalDataFileMissing()
    {
        Diagnostic diagnostic = Single(_models.Write("net.onnx", WithExternalWeights("weights.bin")));

        Assert.Equal("KLN0014", diagnostic.Id);
        Assert.Contains("external file 'weights.bin', which does not exist", diagnostic.GetMessage());
    }

    private static ModelProto WithExternalWeights(string location)
    {
        ModelProto model = TestModels.TinyConvRelu();
        TensorProto weights = model.Graph.Initializer[0];
        weights.RawData = ByteString.Empty;
        weights.DataLocation = TensorProto.Types.DataLocation.External;
        weights.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = location });
        weights.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = "0" });
        weights.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = "16" });
        return model;
    }

    private static Diagnostic Single(string path)
    {
        GeneratorRun run = GeneratorHarness.Run("namespace Sample;\n\n[Kiln.OnnxNetwork(\"net.onnx\")]\npublic sealed partial class Net;", path);
        Diagnostic diagnostic = Assert.Single(run.KilnDiagnostics);
        Assert.Equal(2, diagnostic.Location.GetLineSpan().StartLinePosition.Line);
        Assert.Contains("net.onnx", diagnostic.GetMessage());
        Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Id is "CS8785" or "KLN9999");
        return diagnostic;
    }
}
