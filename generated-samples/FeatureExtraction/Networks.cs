using Kiln;

namespace Kiln.Samples.FeatureExtraction;

/// <summary>
/// Turns an RGB image (0–255) into ResNet18's input: channels reordered to BGR and the mean image subtracted.
/// It runs on the CPU only: subtracting a mean costs less than a round trip of the image to the GPU.
/// </summary>
[OnnxNetwork("ResNetPreprocess.onnx", GpuKernels = false)]
public sealed partial class ResNetPreprocess;

/// <summary>A pretrained ResNet18 (ImageNet), compiled up to its 512-wide global average pooling layer.</summary>
[OnnxNetwork("ResNet18.onnx", TargetLayer = "Pooling395")]
public sealed partial class ResNet18Features;
