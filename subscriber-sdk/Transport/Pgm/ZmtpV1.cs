namespace Telemetry.Transport.Pgm;

/// <summary>
/// ZMTP 1.0 frame layout, which libzmq uses inside PGM: a length that counts the flags byte too
/// (one byte, or 0xFF and eight big-endian bytes when it exceeds 254), a flags byte (bit 0: more
/// frames follow) and the body.
/// </summary>
internal static class ZmtpV1
{
    public const byte More = 0x01;

    /// <summary>Bytes the length and flags take in front of a body of <paramref name="bodyLength"/> bytes.</summary>
    public static int PrefixBytes(int bodyLength) => bodyLength + 1 < 255 ? 2 : 10;

    public static int WritePrefix(Span<byte> buffer, int bodyLength, bool more)
    {
        long length = bodyLength + 1L;
        int at;
        if (length < 255)
        {
            buffer[0] = (byte)length;
            at = 1;
        }
        else
        {
            buffer[0] = 0xFF;
            System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(buffer[1..], length);
            at = 9;
        }

        buffer[at] = more ? More : (byte)0;
        return at + 1;
    }
}
