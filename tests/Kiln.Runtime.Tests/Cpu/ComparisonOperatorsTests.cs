using Kiln.Cpu;

namespace Kiln.Runtime.Tests.Cpu;

public class ComparisonOperatorsTests
{
    // 11 pairs: one vector of 8 and a scalar tail of 3, with ties, NaN and signed zeros in both parts.
    private static readonly float[] A = [1, 2, 3, float.NaN, -0f, 5, -1, 4, 2, float.NaN, 7];
    private static readonly float[] B = [1, 3, 2, 1, 0f, 5, -2, 9, 2, float.NaN, 1];

    [Fact]
    public void EqualGreaterAndLessGiveOneOrZero()
    {
        var equal = new float[11];
        var greater = new float[11];
        var less = new float[11];

        Elementwise.Binary<EqualOperator>(A, B, equal);
        Elementwise.Binary<GreaterOperator>(A, B, greater);
        Elementwise.Binary<LessOperator>(A, B, less);

        Assert.Equal([1f, 0f, 0f, 0f, 1f, 1f, 0f, 0f, 1f, 0f, 0f], equal);
        Assert.Equal([0f, 0f, 1f, 0f, 0f, 0f, 1f, 0f, 0f, 0f, 1f], greater);
        Assert.Equal([0f, 1f, 0f, 0f, 0f, 0f, 0f, 1f, 0f, 0f, 0f], less);
    }

    [Fact]
    public void TruncatedDivisionRoundsTowardZero()
    {
        // 11 quotients: 7/2, -7/2, 9/3, 0/5, 23/24, -23/4, 100/7, 255/1 in the vector part; 1/3, -9/2, 16/4 in the tail.
        float[] a = [7, -7, 9, 0, 23, -23, 100, 255, 1, -9, 16];
        float[] b = [2, 2, 3, 5, 24, 4, 7, 1, 3, 2, 4];
        var y = new float[11];

        Elementwise.Binary<TruncatedDivideOperator>(a, b, y);

        Assert.Equal([3f, -3f, 3f, 0f, 0f, -5f, 14f, 255f, 0f, -4f, 4f], y);
    }
}
