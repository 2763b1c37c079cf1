namespace Kiln.Oracle.Tests;

/// <summary>ResNet18's preprocessing: RGB (0–255) to BGR with the ImageNet mean image subtracted.</summary>
[OnnxNetwork("ResNetPreprocess.onnx")]
public sealed partial class ResNetPreprocess;

/// <summary>The pretrained ResNet18 (CNTK export, opset 8), compiled up to its global average pooling.</summary>
[OnnxNetwork("ResNet18.onnx", TargetLayer = "Pooling395")]
public sealed partial class ResNet18Features;

/// <summary>An AlexNet-shaped classifier trained on Fashion-MNIST (opset 13), compiled whole.</summary>
[OnnxNetwork("fashion-alexnet.onnx")]
public sealed partial class FashionAlexNet;
