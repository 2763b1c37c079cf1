using Kiln;

namespace Kiln.Samples.FeatureExtraction;

/// <summary>Turns an RGB image (0–255) into ResNet18's input: channels reordered to BGR and the mean image subtracted.</summary>
[OnnxNetwork("ResNetPreprocess.onnx")]
public sealed partial class ResNetPreprocess;

/// <summary>A pretrained ResNet18 (ImageNet), compiled up to its 512-wide global average pooling layer.</summary>
[OnnxNetwork("ResNet18.onnx", TargetLayer = "Pooling395")]
public sealed partial class ResNet18Features;
