using System.Buffers.Binary;

namespace Telemetry.Transport.Pgm;

/// <summary>Transport session identifier: the 6-byte global source id plus the source port (RFC 3208 3.1).</summary>
internal readonly record struct Tsi(ulong Gsi, ushort SourcePort)
{
    /// <summary>A fresh random identity, as libzmq picks one per socket.</summary>
    public static Tsi NewRandom()
    {
        Span<byte> bytes = stackalloc byte[8];
        System.Security.Cryptography.RandomNumberGenerator.Fill(bytes);
        ulong gsi = BinaryPrimitives.ReadUInt64BigEndian(bytes) >> 16;
        ushort port = (ushort)Math.Max((ushort)1024, BinaryPrimitives.ReadUInt16BigEndian(bytes[6..]));
        return new Tsi(gsi, port);
    }

    public static ulong ReadGsi(ReadOnlySpan<byte> six) =>
        ((ulong)BinaryPrimitives.ReadUInt16BigEndian(six) << 32) | BinaryPrimitives.ReadUInt32BigEndian(six[2..]);

    public void WriteGsi(Span<byte> six)
    {
        BinaryPrimitives.WriteUInt16BigEndian(six, (ushort)(Gsi >> 32));
        BinaryPrimitives.WriteUInt32BigEndian(six[2..], (uint)Gsi);
    }

    public override string ToString() => $"{Gsi:x12}.{SourcePort}";
}
