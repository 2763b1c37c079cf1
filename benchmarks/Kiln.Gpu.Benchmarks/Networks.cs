namespace Kiln.Gpu.Benchmarks;

/// <summary>The pretrained ResNet18 up to its global average pooling (512 features), with GPU kernels.</summary>
[OnnxNetwork("ResNet18.onnx", TargetLayer = "Pooling395")]
public sealed partial class ResNet18Features;
