namespace Kiln.Data;

/// <summary>Order of the colour channels in a network's input tensor.</summary>
public enum ChannelOrder
{
    /// <summary>Red, green, blue: the order that torchvision models expect.</summary>
    Rgb,

    /// <summary>Blue, green, red: the order of Caffe models and of images loaded by OpenCV.</summary>
    Bgr,
}
