namespace Telemetry;

/// <summary>
/// Exact decimal values as a 64-bit mantissa and a power-of-ten scale: <c>value = mantissa / 10^scale</c>.
/// Prices never travel as binary floating point.
/// </summary>
public static class Decimal64
{
    /// <summary>The largest scale (decimal places) the wire format accepts.</summary>
    public const int MaxScale = 18;

    private static readonly long[] PowersOfTen = BuildPowers();

    /// <summary>Converts a mantissa and scale to a <see cref="decimal"/>.</summary>
    public static decimal ToDecimal(long mantissa, byte scale)
    {
        if (scale > MaxScale)
        {
            throw new ArgumentOutOfRangeException(nameof(scale), scale, $"Scale must be at most {MaxScale}.");
        }

        bool negative = mantissa < 0;
        ulong magnitude = negative ? (ulong)(-(mantissa + 1)) + 1 : (ulong)mantissa;
        return new decimal((int)(uint)magnitude, (int)(uint)(magnitude >> 32), 0, negative, scale);
    }

    /// <summary>Converts a <see cref="decimal"/> to a mantissa at the given scale; throws if it does not fit exactly.</summary>
    public static long ToMantissa(decimal value, byte scale)
    {
        if (scale > MaxScale)
        {
            throw new ArgumentOutOfRangeException(nameof(scale), scale, $"Scale must be at most {MaxScale}.");
        }

        decimal scaled = value * PowersOfTen[scale];
        if (scaled != decimal.Truncate(scaled))
        {
            throw new ArgumentException($"{value} has more than {scale} decimal places.", nameof(value));
        }

        return decimal.ToInt64(scaled);
    }

    /// <summary>The number of decimal places needed to represent <paramref name="value"/> exactly (trailing zeros ignored).</summary>
    public static byte ScaleOf(decimal value)
    {
        decimal normalized = value / 1.000000000000000000000000000000000m;
        byte scale = normalized.Scale;
        return scale > MaxScale
            ? throw new ArgumentException($"{value} has more than {MaxScale} decimal places.", nameof(value))
            : scale;
    }

    private static long[] BuildPowers()
    {
        var powers = new long[MaxScale + 1];
        powers[0] = 1;
        for (int i = 1; i < powers.Length; i++)
        {
            powers[i] = powers[i - 1] * 10;
        }

        return powers;
    }
}
