namespace Kiln.Data;

/// <summary>One image file of an <see cref="ImageFolderStore"/> and the label of the folder that contains it.</summary>
/// <param name="Path">Full path of the image file.</param>
/// <param name="Label">Name of the label subfolder that contains the file.</param>
public sealed record LabeledImage(string Path, string Label);
