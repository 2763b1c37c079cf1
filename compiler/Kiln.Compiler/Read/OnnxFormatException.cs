using System;

namespace Kiln.Compiler.Read;

/// <summary>A model file that is not a readable ONNX model; the message states where and why.</summary>
internal sealed class OnnxFormatException : Exception
{
    public OnnxFormatException(string message)
        : base(message)
    {
    }
}
