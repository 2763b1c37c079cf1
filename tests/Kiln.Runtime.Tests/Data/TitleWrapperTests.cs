using Kiln.Data;

namespace Kiln.Runtime.Tests.Data;

public sealed class TitleWrapperTests
{
    [Fact]
    public void Wrap_ShortTitleOneLine()
    {
        Assert.Equal(["sneaker"], TitleWrapper.Wrap("sneaker", lineLength: 12, maxLines: 2));
    }

    [Fact]
    public void Wrap_BreaksAtSpaces()
    {
        Assert.Equal(["true: bag", "pred: sandal"], TitleWrapper.Wrap("true: bag pred: sandal", lineLength: 12, maxLines: 2));
    }

    [Fact]
    public void Wrap_KeepsNewlines()
    {
        Assert.Equal(["a", "b"], TitleWrapper.Wrap("a\nb", lineLength: 12, maxLines: 2));
    }

    [Fact]
    public void Wrap_CutsLongWord()
    {
        Assert.Equal(["abcd", "efgh", "ij"], TitleWrapper.Wrap("abcdefghij", lineLength: 4, maxLines: 3));
    }

    [Fact]
    public void Wrap_EllipsisWhenTooLong()
    {
        Assert.Equal(["one two", "three..."], TitleWrapper.Wrap("one two three four five", lineLength: 8, maxLines: 2));
    }

    [Fact]
    public void Wrap_ReplacesNonAscii()
    {
        Assert.Equal(["caf? ?"], TitleWrapper.Wrap("café ✓", lineLength: 12, maxLines: 2));
    }

    [Fact]
    public void Wrap_EmptyTitle()
    {
        Assert.Empty(TitleWrapper.Wrap("", lineLength: 12, maxLines: 2));
    }
}
