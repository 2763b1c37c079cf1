namespace Kiln.Gpu.Tests;

/// <summary>An AlexNet-shaped classifier trained on Fashion-MNIST (opset 13), with GPU kernels because this project references Kiln.Gpu.</summary>
[OnnxNetwork("fashion-alexnet.onnx")]
public sealed partial class FashionAlexNet;

/// <summary>The pretrained ResNet18 (CNTK export, opset 8) up to its global average pooling, with GPU kernels.</summary>
[OnnxNetwork("ResNet18.onnx", TargetLayer = "Pooling395")]
public sealed partial class ResNet18Features;

/// <summary>The same fashion-alexnet with GPU kernels turned off, to check the attribute option.</summary>
[OnnxNetwork("fashion-alexnet.onnx", GpuKernels = false)]
public sealed partial class FashionAlexNetCpuOnly;

/// <summary>
/// fashion-lstm (opset 13), an LSTM over the 28 image rows whose outputs are every hidden state (lstm_Y) and the last
/// one (lstm), then Squeeze, a dense layer and Softmax, with GPU kernels. S is fixed to the 28 rows, and the batch
/// dimension N becomes one observation.
/// </summary>
[OnnxNetwork("fashion-lstm.onnx", Dimensions = "S=28")]
public sealed partial class FashionLstmFeatures;
