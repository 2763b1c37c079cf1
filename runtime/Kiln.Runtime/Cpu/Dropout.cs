namespace Kiln.Cpu;

/// <summary>
/// ONNX Dropout when its training_mode is a run-time input. In inference it copies its input and the mask is all
/// true. In training mode each value is kept with probability 1 − ratio and scaled by 1 / (1 − ratio), and the mask
/// marks the kept values.
/// </summary>
/// <remarks>
/// The mask draws uniform numbers in [0, 1) from MT19937 seeded with the node's seed attribute, as NumPy's legacy
/// generator does after <c>numpy.random.seed(seed)</c>, and keeps a value when its number is at least the ratio. The
/// same seed therefore gives the same mask on every call, and the mask of the ONNX reference implementation.
/// </remarks>
public static class Dropout
{
    /// <summary>Applies Dropout to <paramref name="x"/>.</summary>
    /// <param name="x">Input.</param>
    /// <param name="ratio">The ratio input: one value in [0, 1), or empty for the default 0.5.</param>
    /// <param name="trainingMode">The training_mode input: one value, nonzero for training; empty for inference.</param>
    /// <param name="y">Output, the length of <paramref name="x"/>.</param>
    /// <param name="mask">The mask output (1 kept, 0 dropped), the length of <paramref name="x"/>, or empty when not requested.</param>
    /// <param name="seed">The seed attribute; null draws a new seed for each call, as ONNX allows.</param>
    /// <exception cref="ArgumentOutOfRangeException">In training mode, the ratio is outside [0, 1).</exception>
    public static void Apply(ReadOnlySpan<float> x, ReadOnlySpan<float> ratio, ReadOnlySpan<float> trainingMode, Span<float> y, Span<float> mask, long? seed)
    {
        SpanChecks.RequireLength(nameof(y), y.Length, x.Length, "the length of x");
        if (!mask.IsEmpty)
        {
            SpanChecks.RequireLength(nameof(mask), mask.Length, x.Length, "the length of x");
        }

        float dropRatio = ratio.IsEmpty ? 0.5f : ratio[0];
        bool training = !trainingMode.IsEmpty && trainingMode[0] != 0f;
        if (!training || dropRatio == 0f)
        {
            x.CopyTo(y);
            mask.Fill(1f);
            return;
        }

        if (!(dropRatio >= 0f && dropRatio < 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(ratio), dropRatio, "Dropout's ratio must lie in [0, 1) in training mode.");
        }

        var generator = new MersenneTwister((uint)(seed ?? Random.Shared.NextInt64(0, 1L << 32)));
        float scale = (float)(1.0 / (1.0 - dropRatio));
        for (int i = 0; i < x.Length; i++)
        {
            // A dropped value is 0·x, so a NaN or an infinity in the input stays visible, as in the reference.
            float keep = generator.NextDouble() >= dropRatio ? 1f : 0f;
            y[i] = keep * x[i] * scale;
            if (!mask.IsEmpty)
            {
                mask[i] = keep;
            }
        }
    }

    /// <summary>
    /// Writes the uniform numbers that <see cref="Apply"/> draws for its mask with the seed <paramref name="seed"/>,
    /// one for each value, so that a GPU kernel can drop the same values. Each number is rounded down to float, which
    /// keeps every comparison with a float ratio: u ≥ ratio exactly when the rounded u ≥ ratio.
    /// </summary>
    /// <param name="seed">The node's seed attribute.</param>
    /// <param name="uniforms">Receives the numbers in [0, 1), one for each value of the input.</param>
    public static void DrawUniforms(long seed, Span<float> uniforms)
    {
        var generator = new MersenneTwister((uint)seed);
        for (int i = 0; i < uniforms.Length; i++)
        {
            double uniform = generator.NextDouble();
            float rounded = (float)uniform;
            uniforms[i] = rounded > uniform ? MathF.BitDecrement(rounded) : rounded;
        }
    }

    /// <summary>The MT19937 generator with NumPy's legacy seeding and its 53-bit doubles.</summary>
    private struct MersenneTwister
    {
        private const int StateLength = 624;
        private const int Shift = 397;

        private readonly uint[] _state;
        private int _position;

        public MersenneTwister(uint seed)
        {
            _state = new uint[StateLength];
            _state[0] = seed;
            for (int i = 1; i < StateLength; i++)
            {
                _state[i] = (1812433253u * (_state[i - 1] ^ (_state[i - 1] >> 30))) + (uint)i;
            }

            _position = StateLength;
        }

        /// <summary>A double in [0, 1) from two 32-bit draws: their top 27 and 26 bits.</summary>
        public double NextDouble()
        {
            uint high = NextUInt32() >> 5;
            uint low = NextUInt32() >> 6;
            return ((high * 67108864.0) + low) / 9007199254740992.0;
        }

        private uint NextUInt32()
        {
            if (_position >= StateLength)
            {
                Twist();
            }

            uint value = _state[_position++];
            value ^= value >> 11;
            value ^= (value << 7) & 0x9D2C5680u;
            value ^= (value << 15) & 0xEFC60000u;
            value ^= value >> 18;
            return value;
        }

        private void Twist()
        {
            for (int i = 0; i < StateLength; i++)
            {
                uint bits = (_state[i] & 0x80000000u) | (_state[(i + 1) % StateLength] & 0x7FFFFFFFu);
                uint next = bits >> 1;
                if ((bits & 1u) != 0)
                {
                    next ^= 0x9908B0DFu;
                }

                _state[i] = _state[(i + Shift) % StateLength] ^ next;
            }

            _position = 0;
        }
    }
}
