using System.Buffers.Binary;

namespace Telemetry.Transport.Pgm;

/// <summary>The Internet checksum (RFC 1071) over a whole PGM packet, as RFC 3208 8.1 asks.</summary>
internal static class PgmChecksum
{
    /// <summary>One's-complement sum folded to 16 bits and inverted; zero on the wire means "none", so a zero result is sent as 0xFFFF.</summary>
    public static ushort Compute(ReadOnlySpan<byte> packet)
    {
        ulong sum = 0;
        int i = 0;
        // Eight bytes at a time: one's-complement addition is associative, so wide words fold to the same result.
        for (; i + 8 <= packet.Length; i += 8)
        {
            ulong word = BinaryPrimitives.ReadUInt64BigEndian(packet[i..]);
            sum += (word >> 32) + (word & 0xFFFF_FFFF);
        }

        for (; i + 2 <= packet.Length; i += 2)
        {
            sum += BinaryPrimitives.ReadUInt16BigEndian(packet[i..]);
        }

        if (i < packet.Length)
        {
            sum += (ulong)packet[i] << 8;
        }

        while (sum >> 16 != 0)
        {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }

        ushort result = (ushort)~sum;
        return result == 0 ? (ushort)0xFFFF : result;
    }

    /// <summary>True when the packet's checksum field matches its content (or is zero, meaning not computed).</summary>
    public static bool IsValid(ReadOnlySpan<byte> packet)
    {
        ushort carried = BinaryPrimitives.ReadUInt16BigEndian(packet[6..]);
        if (carried == 0)
        {
            return true;
        }

        // The field itself is summed as zero: add back its complement instead of copying the packet.
        ulong sum = 0;
        int i = 0;
        for (; i + 2 <= packet.Length; i += 2)
        {
            sum += i == 6 ? 0u : BinaryPrimitives.ReadUInt16BigEndian(packet[i..]);
        }

        if (i < packet.Length)
        {
            sum += (ulong)packet[i] << 8;
        }

        while (sum >> 16 != 0)
        {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }

        ushort expected = (ushort)~sum;
        return carried == (expected == 0 ? (ushort)0xFFFF : expected);
    }
}
