namespace Kiln.Data;

/// <summary>One image of a <see cref="Montage"/> and the title written above it.</summary>
/// <param name="ImagePath">Path of the image file.</param>
/// <param name="Title">Text above the image: printable ASCII, with <c>\n</c> to start a new line.</param>
public sealed record MontageTile(string ImagePath, string Title);
