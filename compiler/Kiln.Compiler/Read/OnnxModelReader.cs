using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using Google.Protobuf;
using Kiln.Compiler.Graph;
using Kiln.Compiler.Read.Onnx;

namespace Kiln.Compiler.Read;

/// <summary>
/// Reads an ONNX model file into an <see cref="OnnxGraph"/> in one forward pass. The protoc-generated classes
/// parse nodes and value infos. Initializers are walked field by field, so only their name, type, dims and the
/// byte range of their values are kept, never the weight bytes themselves.
/// </summary>
internal static class OnnxModelReader
{
    // Field numbers of ModelProto, GraphProto and TensorProto (facts of the ONNX format).
    private const int ModelIrVersion = 1;
    private const int ModelProducerName = 2;
    private const int ModelGraph = 7;
    private const int ModelOpsetImport = 8;

    private const int GraphNode = 1;
    private const int GraphInitializer = 5;
    private const int GraphInput = 11;
    private const int GraphOutput = 12;
    private const int GraphValueInfo = 13;
    private const int GraphSparseInitializer = 15;

    private const int TensorDims = 1;
    private const int TensorDataType = 2;
    private const int TensorSegment = 3;
    private const int TensorFloatData = 4;
    private const int TensorInt32Data = 5;
    private const int TensorStringData = 6;
    private const int TensorInt64Data = 7;
    private const int TensorName = 8;
    private const int TensorRawData = 9;
    private const int TensorDoubleData = 10;
    private const int TensorUInt64Data = 11;
    private const int TensorExternalData = 13;
    private const int TensorDataLocation = 14;

    /// <summary>Non-float raw_data up to this size is read, so that shape tensors and axes can be folded at build time.</summary>
    private const int MaxInlineRawBytes = 1 << 16;

    /// <summary>
    /// Float raw_data up to this size is read too, so that small float constants such as Resize's scales are known at
    /// build time. Larger float tensors are weights, which the generated code reads in place.
    /// </summary>
    private const int MaxInlineFloatRawBytes = 64;

    public static OnnxGraph Read(string path, CancellationToken cancellationToken)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        var reader = new WireReader(stream);
        var graph = new OnnxGraph(path, reader.Length);
        if (reader.Length == 0)
        {
            throw new OnnxFormatException("the file is empty");
        }

        long end = reader.Length;
        while (reader.TryReadTag(end, out int field, out WireType wireType))
        {
            cancellationToken.ThrowIfCancellationRequested();
            switch (field)
            {
                case ModelIrVersion when wireType == WireType.Varint:
                    graph.IrVersion = (long)reader.ReadVarint();
                    break;
                case ModelProducerName when wireType == WireType.LengthDelimited:
                    graph.Producer = System.Text.Encoding.UTF8.GetString(reader.ReadBytes(reader.ReadLength(end)));
                    break;
                case ModelOpsetImport when wireType == WireType.LengthDelimited:
                    var opset = OperatorSetIdProto.Parser.ParseFrom(reader.ReadBytes(reader.ReadLength(end)));
                    graph.OperatorSets[opset.Domain] = opset.Version;
                    break;
                case ModelGraph when wireType == WireType.LengthDelimited:
                    long length = reader.ReadLength(end);
                    ReadGraph(reader, reader.Position + length, graph, cancellationToken);
                    graph.HasGraph = true;
                    break;
                default:
                    reader.Skip(wireType, end);
                    break;
            }
        }

        if (graph.OperatorSets.TryGetValue(string.Empty, out long version) || graph.OperatorSets.TryGetValue("ai.onnx", out version))
        {
            graph.Opset = (int)Math.Min(version, int.MaxValue);
        }

        return graph;
    }

    private static void ReadGraph(WireReader reader, long end, OnnxGraph graph, CancellationToken cancellationToken)
    {
        while (reader.TryReadTag(end, out int field, out WireType wireType))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (wireType != WireType.LengthDelimited)
            {
                reader.Skip(wireType, end);
                continue;
            }

            switch (field)
            {
                case GraphNode:
                    NodeProto node = ParseMessage(reader, end, NodeProto.Parser, "node");
                    graph.Nodes.Add(new Node(
                        graph.Nodes.Count,
                        node.Name,
                        node.OpType,
                        node.Domain,
                        node.Input.ToList(),
                        node.Output.ToList(),
                        node.Attribute.GroupBy(a => a.Name).ToDictionary(g => g.Key, g => g.Last())));
                    break;
                case GraphInitializer:
                    long length = reader.ReadLength(end);
                    Initializer initializer = ReadTensor(reader, reader.Position + length);
                    graph.Initializers[initializer.Name] = initializer;
                    break;
                case GraphInput:
                    graph.DeclaredInputs.Add(ToValueInfo(ParseMessage(reader, end, ValueInfoProto.Parser, "graph input")));
                    break;
                case GraphOutput:
                    graph.DeclaredOutputs.Add(ToValueInfo(ParseMessage(reader, end, ValueInfoProto.Parser, "graph output")));
                    break;
                case GraphValueInfo:
                    ValueInfo info = ToValueInfo(ParseMessage(reader, end, ValueInfoProto.Parser, "value info"));
                    graph.ValueInfos[info.Name] = info;
                    break;
                case GraphSparseInitializer:
                    throw new OnnxFormatException("the graph has sparse initializers, which Kiln does not read yet");
                default:
                    reader.Skip(wireType, end);
                    break;
            }
        }
    }

    private static T ParseMessage<T>(WireReader reader, long end, MessageParser<T> parser, string what)
        where T : IMessage<T>
    {
        long start = reader.Position;
        byte[] bytes = reader.ReadBytes(reader.ReadLength(end));
        try
        {
            return parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException exception)
        {
            throw new OnnxFormatException($"the {what} at byte {start} is not a valid message: {exception.Message}");
        }
    }

    /// <summary>Walks one TensorProto, keeping float values as a byte range and small integer values in memory.</summary>
    private static Initializer ReadTensor(WireReader reader, long end)
    {
        var dims = new List<long>();
        int dataType = 0;
        string name = string.Empty;
        long dataOffset = -1;
        long dataLength = 0;
        var storage = TensorStorage.Inline;
        List<float>? floats = null;
        List<long>? integers = null;
        byte[]? rawBytes = null;
        bool external = false;
        string? externalLocation = null;
        string? externalOffset = null;
        string? externalLength = null;
        long tensorStart = reader.Position;

        while (reader.TryReadTag(end, out int field, out WireType wireType))
        {
            switch (field)
            {
                case TensorDims:
                    ReadIntegers(reader, wireType, end, dims);
                    break;
                case TensorDataType when wireType == WireType.Varint:
                    dataType = (int)reader.ReadVarint();
                    break;
                case TensorName when wireType == WireType.LengthDelimited:
                    name = System.Text.Encoding.UTF8.GetString(reader.ReadBytes(reader.ReadLength(end)));
                    break;
                case TensorFloatData when wireType == WireType.LengthDelimited:
                    dataLength = reader.ReadLength(end);
                    dataOffset = reader.Position;
                    storage = TensorStorage.PackedFloats;
                    reader.Seek(dataOffset + dataLength);
                    break;
                case TensorFloatData when wireType == WireType.Fixed32:
                    floats ??= new List<float>();
                    floats.Add(BitConverter.ToSingle(BitConverter.GetBytes(reader.ReadFixed32()), 0));
                    storage = TensorStorage.Inline;
                    break;
                case TensorRawData when wireType == WireType.LengthDelimited:
                    dataLength = reader.ReadLength(end);
                    dataOffset = reader.Position;
                    storage = TensorStorage.Raw;
                    if (KeepsRawBytes(dataType, dataLength))
                    {
                        rawBytes = reader.ReadBytes(dataLength);
                    }
                    else
                    {
                        reader.Seek(dataOffset + dataLength);
                    }

                    break;
                case TensorInt32Data:
                case TensorInt64Data:
                case TensorUInt64Data:
                    integers ??= new List<long>();
                    ReadIntegers(reader, wireType, end, integers);
                    break;
                case TensorDoubleData:
                    throw new OnnxFormatException($"initializer at byte {tensorStart} stores doubles, which Kiln does not read yet");
                case TensorStringData:
                    throw new OnnxFormatException($"initializer at byte {tensorStart} stores strings, which Kiln does not read");
                case TensorSegment:
                    throw new OnnxFormatException($"initializer at byte {tensorStart} is split into segments, which Kiln does not read");
                case TensorDataLocation when wireType == WireType.Varint:
                    external = reader.ReadVarint() == 1;
                    break;
                case TensorExternalData when wireType == WireType.LengthDelimited:
                    StringStringEntryProto entry = ParseMessage(reader, end, StringStringEntryProto.Parser, "external data entry");
                    switch (entry.Key)
                    {
                        case "location":
                            externalLocation = entry.Value;
                            break;
                        case "offset":
                            externalOffset = entry.Value;
                            break;
                        case "length":
                            externalLength = entry.Value;
                            break;
                    }

                    break;
                default:
                    reader.Skip(wireType, end);
                    break;
            }
        }

        // A raw_data read before data_type arrived may have been skipped; fetch it now if the type needs it.
        if (storage == TensorStorage.Raw && rawBytes is null && KeepsRawBytes(dataType, dataLength))
        {
            long resume = reader.Position;
            reader.Seek(dataOffset);
            rawBytes = reader.ReadBytes(dataLength);
            reader.Seek(resume);
        }

        var initializer = new Initializer(name, (ElementType)dataType, dims.ToArray())
        {
            Storage = external ? TensorStorage.External : storage,
            ExternalLocation = externalLocation,
            Offset = dataOffset,
            ByteLength = dataLength,
            Floats = floats,
            Integers = integers,
            RawBytes = rawBytes,
        };

        if (external)
        {
            // The values lie in another file: offset and length then refer to that file. A missing length means "to the end of the file".
            initializer.Offset = ParseExternalNumber(name, "offset", externalOffset) ?? 0;
            initializer.ByteLength = ParseExternalNumber(name, "length", externalLength) ?? -1;
            initializer.RawBytes = null;
        }

        return initializer;
    }

    private static long? ParseExternalNumber(string tensorName, string key, string? text)
    {
        if (text is null)
        {
            return null;
        }

        if (!long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long value))
        {
            throw new OnnxFormatException($"the initializer '{tensorName}' has the external data {key} '{text}', which is not a non-negative integer");
        }

        return value;
    }

    private static bool KeepsRawBytes(int dataType, long dataLength) =>
        dataLength <= (dataType == (int)ElementType.Float ? MaxInlineFloatRawBytes : MaxInlineRawBytes);

    private static void ReadIntegers(WireReader reader, WireType wireType, long end, List<long> values)
    {
        if (wireType == WireType.Varint)
        {
            values.Add((long)reader.ReadVarint());
            return;
        }

        if (wireType != WireType.LengthDelimited)
        {
            reader.Skip(wireType, end);
            return;
        }

        long packedLength = reader.ReadLength(end);
        long packedEnd = reader.Position + packedLength;
        while (reader.Position < packedEnd)
        {
            values.Add((long)reader.ReadVarint());
        }
    }

    private static ValueInfo ToValueInfo(ValueInfoProto proto)
    {
        if (proto.Type?.TensorType is not { } tensorType)
        {
            return new ValueInfo(proto.Name, ElementType.Undefined, null, Array.Empty<string?>());
        }

        if (tensorType.Shape is null)
        {
            return new ValueInfo(proto.Name, (ElementType)tensorType.ElemType, null, Array.Empty<string?>());
        }

        var dims = new long[tensorType.Shape.Dim.Count];
        var symbols = new string?[dims.Length];
        for (int i = 0; i < dims.Length; i++)
        {
            TensorShapeProto.Types.Dimension dim = tensorType.Shape.Dim[i];
            if (dim.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue)
            {
                dims[i] = dim.DimValue;
            }
            else
            {
                dims[i] = -1;
                symbols[i] = dim.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimParam ? dim.DimParam : "?";
            }
        }

        return new ValueInfo(proto.Name, (ElementType)tensorType.ElemType, dims, symbols);
    }
}
