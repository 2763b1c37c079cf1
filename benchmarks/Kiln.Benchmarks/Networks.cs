namespace Kiln.Benchmarks;

/// <summary>A pretrained ResNet18 compiled up to its global average pooling layer.</summary>
[OnnxNetwork("ResNet18.onnx", TargetLayer = "Pooling395")]
public sealed partial class ResNet18Features;
