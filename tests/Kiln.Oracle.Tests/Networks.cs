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

/// <summary>
/// A one-layer LSTM classifier (hidden size 64) trained on Fashion-MNIST (opset 13). Its input is S×N×28, with the
/// batch in the middle; S is fixed to the 28 image rows, and the batch dimension N becomes one observation.
/// </summary>
[OnnxNetwork("fashion-lstm.onnx", Dimensions = "S=28")]
public sealed partial class FashionLstm;
