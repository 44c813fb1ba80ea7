using System.Text;

namespace Telemetry;

/// <summary>
/// Where a tick was made: a venue code of 1 to <see cref="MaxLength"/> printable ASCII characters,
/// usually an ISO 10383 MIC such as <c>XNAS</c>. A value type holding the code's bytes, so reading a
/// tick allocates nothing (a string per tick would). <c>default</c> is the unknown venue.
/// </summary>
public readonly record struct Venue
{
    /// <summary>The longest code a venue may have, in characters (MICs have 4).</summary>
    public const int MaxLength = 8;

    // The code's ASCII bytes, the first in the lowest byte; unused bytes are zero. Zero is unknown.
    private readonly ulong _code;

    private Venue(ulong code) => _code = code;

    /// <summary>Makes a venue from its code.</summary>
    /// <exception cref="ArgumentException">The code is empty, longer than <see cref="MaxLength"/> or not printable ASCII.</exception>
    public Venue(string code)
    {
        ArgumentNullException.ThrowIfNull(code);
        if (code.Length is 0 or > MaxLength || !code.All(c => c is > ' ' and <= '~'))
        {
            throw new ArgumentException($"A venue code is 1 to {MaxLength} printable ASCII characters without spaces, got \"{code}\".", nameof(code));
        }

        _code = Pack(Encoding.ASCII.GetBytes(code));
    }

    /// <summary>True for the unknown venue (<c>default</c>), which the wire writes as an empty string.</summary>
    public bool IsUnknown => _code == 0;

    /// <summary>The code's length in bytes: 0 for the unknown venue.</summary>
    internal int Length => (64 - System.Numerics.BitOperations.LeadingZeroCount(_code) + 7) / 8;

    /// <summary>The code, or the empty string for the unknown venue.</summary>
    public override string ToString()
    {
        Span<byte> bytes = stackalloc byte[MaxLength];
        int length = CopyTo(bytes);
        return Encoding.ASCII.GetString(bytes[..length]);
    }

    /// <summary>Writes the code's bytes (at most <see cref="MaxLength"/>) and returns how many.</summary>
    internal int CopyTo(Span<byte> destination)
    {
        int length = Length;
        for (int i = 0; i < length; i++)
        {
            destination[i] = (byte)(_code >> (8 * i));
        }

        return length;
    }

    /// <summary>The venue whose code is <paramref name="bytes"/> (empty: unknown); false for a code the wire format forbids.</summary>
    internal static bool TryFromBytes(ReadOnlySpan<byte> bytes, out Venue venue)
    {
        venue = default;
        if (bytes.Length > MaxLength)
        {
            return false;
        }

        foreach (byte b in bytes)
        {
            if (b is <= (byte)' ' or > (byte)'~')
            {
                return false;
            }
        }

        venue = new Venue(Pack(bytes));
        return true;
    }

    private static ulong Pack(ReadOnlySpan<byte> bytes)
    {
        ulong code = 0;
        for (int i = 0; i < bytes.Length; i++)
        {
            code |= (ulong)bytes[i] << (8 * i);
        }

        return code;
    }
}
