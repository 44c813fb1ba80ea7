using System.Buffers.Binary;

namespace Telemetry.Transport.Pgm;

/// <summary>Writes PGM packets the way OpenPGM lays them out; every method returns the packet length with the checksum filled in.</summary>
internal static class PgmPacketWriter
{
    public static int WriteSpm(Span<byte> buffer, Tsi tsi, ushort destinationPort, uint spmSequence, uint trail, uint lead, uint sourceNla, bool fin)
    {
        int length = PgmWire.HeaderBytes + PgmWire.SpmBodyBytes + (fin ? 8 : 0);
        WriteHeader(buffer, tsi.SourcePort, destinationPort, PgmType.Spm, fin ? PgmWire.OptPresent : (byte)0, tsi, 0);
        var body = buffer[PgmWire.HeaderBytes..];
        BinaryPrimitives.WriteUInt32BigEndian(body, spmSequence);
        BinaryPrimitives.WriteUInt32BigEndian(body[4..], trail);
        BinaryPrimitives.WriteUInt32BigEndian(body[8..], lead);
        WriteNla(body[12..], sourceNla);
        if (fin)
        {
            WriteOptLength(body[20..], 8);
            body[24] = PgmWire.OptFin | PgmWire.OptEnd;
            body[25] = 4;
            body[26] = 0;
            body[27] = 0;
        }

        return Finish(buffer, length);
    }

    /// <summary>An ODATA or RDATA packet around a payload already placed at <see cref="DataPayloadOffset"/>.</summary>
    public static int WriteData(Span<byte> buffer, PgmType type, Tsi tsi, ushort destinationPort, uint sequence, uint trail, int payloadLength)
    {
        WriteHeader(buffer, tsi.SourcePort, destinationPort, type, 0, tsi, (ushort)payloadLength);
        BinaryPrimitives.WriteUInt32BigEndian(buffer[PgmWire.HeaderBytes..], sequence);
        BinaryPrimitives.WriteUInt32BigEndian(buffer[(PgmWire.HeaderBytes + 4)..], trail);
        return Finish(buffer, DataPayloadOffset + payloadLength);
    }

    /// <summary>Where the TSDU of a data packet without options starts.</summary>
    public const int DataPayloadOffset = PgmWire.HeaderBytes + PgmWire.DataHeaderBytes;

    /// <summary>
    /// A NAK (receiver to source) or NCF (source to group) for <paramref name="first"/> and up to 62
    /// more sequence numbers in an OPT_NAK_LIST. Ports are as the receiver sees them: a NAK travels
    /// from the data's destination port to the source's port, an NCF the other way.
    /// </summary>
    public static int WriteNak(Span<byte> buffer, PgmType type, Tsi tsi, ushort dataPort, uint sourceNla, uint groupNla, uint first, ReadOnlySpan<uint> more)
    {
        bool list = more.Length > 0;
        int optionBytes = list ? 4 + 4 + (4 * more.Length) : 0;
        int length = PgmWire.HeaderBytes + PgmWire.NakBodyBytes + optionBytes;
        bool toSource = type is PgmType.Nak or PgmType.Nnak;
        WriteHeader(
            buffer,
            toSource ? dataPort : tsi.SourcePort,
            toSource ? tsi.SourcePort : dataPort,
            type,
            list ? (byte)(PgmWire.OptPresent | PgmWire.OptNetwork) : (byte)0,
            tsi,
            0);
        var body = buffer[PgmWire.HeaderBytes..];
        BinaryPrimitives.WriteUInt32BigEndian(body, first);
        WriteNla(body[4..], sourceNla);
        WriteNla(body[12..], groupNla);
        if (list)
        {
            var options = body[PgmWire.NakBodyBytes..];
            WriteOptLength(options, (ushort)optionBytes);
            options[4] = PgmWire.OptNakList | PgmWire.OptEnd;
            options[5] = (byte)(4 + (4 * more.Length));
            options[6] = 0;
            options[7] = 0;
            for (int i = 0; i < more.Length; i++)
            {
                BinaryPrimitives.WriteUInt32BigEndian(options[(8 + (4 * i))..], more[i]);
            }
        }

        return Finish(buffer, length);
    }

    /// <summary>An SPM request from a receiver that has data from a source but no SPM yet (so no address to NAK to).</summary>
    public static int WriteSpmr(Span<byte> buffer, Tsi tsi, ushort dataPort)
    {
        WriteHeader(buffer, dataPort, tsi.SourcePort, PgmType.Spmr, 0, tsi, 0);
        return Finish(buffer, PgmWire.HeaderBytes);
    }

    /// <summary>Turns a stored ODATA packet into the RDATA that repairs it: same sequence and payload, current trail.</summary>
    public static void ConvertToRdata(Span<byte> packet, uint trail)
    {
        packet[4] = (byte)PgmType.Rdata;
        BinaryPrimitives.WriteUInt32BigEndian(packet[(PgmWire.HeaderBytes + 4)..], trail);
        packet[6] = 0;
        packet[7] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(packet[6..], PgmChecksum.Compute(packet));
    }

    private static void WriteHeader(Span<byte> buffer, ushort sourcePort, ushort destinationPort, PgmType type, byte options, Tsi tsi, ushort tsduLength)
    {
        BinaryPrimitives.WriteUInt16BigEndian(buffer, sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(buffer[2..], destinationPort);
        buffer[4] = (byte)type;
        buffer[5] = options;
        buffer[6] = 0;
        buffer[7] = 0;
        tsi.WriteGsi(buffer[8..]);
        BinaryPrimitives.WriteUInt16BigEndian(buffer[14..], tsduLength);
    }

    private static void WriteNla(Span<byte> buffer, uint address)
    {
        BinaryPrimitives.WriteUInt16BigEndian(buffer, PgmWire.AfiIpv4);
        buffer[2] = 0;
        buffer[3] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(buffer[4..], address);
    }

    private static void WriteOptLength(Span<byte> buffer, ushort total)
    {
        buffer[0] = PgmWire.OptLength;
        buffer[1] = 4;
        BinaryPrimitives.WriteUInt16BigEndian(buffer[2..], total);
    }

    private static int Finish(Span<byte> buffer, int length)
    {
        BinaryPrimitives.WriteUInt16BigEndian(buffer[6..], PgmChecksum.Compute(buffer[..length]));
        return length;
    }
}
