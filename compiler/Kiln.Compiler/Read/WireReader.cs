using System;
using System.IO;

namespace Kiln.Compiler.Read;

/// <summary>The protobuf wire types (the low three bits of a field tag).</summary>
internal enum WireType
{
    Varint = 0,
    Fixed64 = 1,
    LengthDelimited = 2,
    StartGroup = 3,
    EndGroup = 4,
    Fixed32 = 5,
}

/// <summary>
/// A forward protobuf reader over a seekable stream that tracks the byte position of every field. Large
/// length-delimited fields (weights) are skipped by seeking, so their bytes are never read into memory;
/// small messages are read into arrays and parsed by the classes protoc generated from <c>onnx.proto</c>.
/// </summary>
internal sealed class WireReader
{
    private readonly Stream _stream;

    public WireReader(Stream stream)
    {
        _stream = stream;
        Length = stream.Length;
    }

    public long Position => _stream.Position;

    public long Length { get; }

    /// <summary>Reads the next tag before <paramref name="end"/>; false at the end.</summary>
    public bool TryReadTag(long end, out int field, out WireType wireType)
    {
        if (Position >= end)
        {
            field = 0;
            wireType = WireType.Varint;
            return false;
        }

        ulong tag = ReadVarint();
        field = (int)(tag >> 3);
        wireType = (WireType)(tag & 7);
        if (field <= 0 || tag >> 3 > int.MaxValue)
        {
            throw new OnnxFormatException($"invalid field number {tag >> 3} at byte {Position}");
        }

        return true;
    }

    public ulong ReadVarint()
    {
        ulong value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            int next = _stream.ReadByte();
            if (next < 0)
            {
                throw new OnnxFormatException($"the file ends inside a number at byte {Position}");
            }

            value |= (ulong)(next & 0x7F) << shift;
            if ((next & 0x80) == 0)
            {
                return value;
            }
        }

        throw new OnnxFormatException($"a number longer than 10 bytes ends at byte {Position}");
    }

    /// <summary>Reads a length prefix and checks that the field it announces fits before <paramref name="end"/>.</summary>
    public long ReadLength(long end)
    {
        ulong length = ReadVarint();
        if (length > (ulong)(end - Position))
        {
            throw new OnnxFormatException(
                $"a field at byte {Position} claims {length} bytes, but only {end - Position} remain, so the file is truncated or corrupt");
        }

        return (long)length;
    }

    public uint ReadFixed32()
    {
        byte[] bytes = ReadBytes(4);
        return BitConverter.ToUInt32(bytes, 0);
    }

    public ulong ReadFixed64()
    {
        byte[] bytes = ReadBytes(8);
        return BitConverter.ToUInt64(bytes, 0);
    }

    public byte[] ReadBytes(long count)
    {
        if (count > int.MaxValue || count > Length - Position)
        {
            throw new OnnxFormatException($"{count} bytes at byte {Position} reach past the end of the file");
        }

        var bytes = new byte[count];
        int done = 0;
        while (done < count)
        {
            int read = _stream.Read(bytes, done, (int)count - done);
            if (read == 0)
            {
                throw new OnnxFormatException($"the file ends at byte {Position}, inside a field");
            }

            done += read;
        }

        return bytes;
    }

    public void Seek(long position)
    {
        if (position > Length)
        {
            throw new OnnxFormatException($"a field reaches byte {position}, past the end of the file ({Length} bytes)");
        }

        _stream.Position = position;
    }

    /// <summary>Skips the value of a field whose tag was just read.</summary>
    public void Skip(WireType wireType, long end)
    {
        switch (wireType)
        {
            case WireType.Varint:
                ReadVarint();
                break;
            case WireType.Fixed64:
                Seek(Position + 8);
                break;
            case WireType.Fixed32:
                Seek(Position + 4);
                break;
            case WireType.LengthDelimited:
                long length = ReadLength(end);
                Seek(Position + length);
                break;
            default:
                throw new OnnxFormatException($"unsupported protobuf wire type {(int)wireType} at byte {Position}");
        }
    }
}
