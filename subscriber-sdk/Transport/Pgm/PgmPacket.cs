using System.Buffers.Binary;

namespace Telemetry.Transport.Pgm;

/// <summary>
/// One PGM packet read from a UDP datagram: the common header, the type-specific fields and the
/// options we act on (OPT_NAK_LIST, OPT_FIN, OPT_FRAGMENT). Spans point into the datagram.
/// </summary>
internal ref struct PgmPacket
{
    public ushort SourcePort;
    public ushort DestinationPort;
    public PgmType Type;
    public ulong Gsi;

    /// <summary>ODATA/RDATA: data sequence number; SPM: SPM sequence number; NAK/NCF: requested sequence number.</summary>
    public uint Sequence;

    /// <summary>ODATA/RDATA/SPM: the trailing edge of the source's transmit window.</summary>
    public uint Trail;

    /// <summary>SPM: the leading edge (last ODATA sent).</summary>
    public uint Lead;

    /// <summary>SPM: the source's unicast address (NAKs go there); NAK/NCF: the source address named.</summary>
    public uint SourceNla;

    /// <summary>NAK/NCF: the multicast group named.</summary>
    public uint GroupNla;

    /// <summary>ODATA/RDATA: the TSDU.</summary>
    public ReadOnlySpan<byte> Payload;

    /// <summary>NAK/NCF: further requested sequence numbers, 4 bytes each, big-endian.</summary>
    public ReadOnlySpan<byte> NakList;

    /// <summary>SPM carried OPT_FIN: the source is closing its session.</summary>
    public bool Fin;

    /// <summary>The data packet is one fragment of a larger APDU (OPT_FRAGMENT); libzmq never sends these.</summary>
    public bool Fragment;

    public readonly Tsi Tsi => new(Gsi, SourcePort);

    public readonly int NakListCount => NakList.Length / 4;

    public readonly uint NakListAt(int i) => BinaryPrimitives.ReadUInt32BigEndian(NakList[(i * 4)..]);

    /// <summary>Parses and checks one datagram; false for anything malformed, truncated or with a bad checksum.</summary>
    public static bool TryParse(ReadOnlySpan<byte> datagram, out PgmPacket packet)
    {
        packet = default;
        if (datagram.Length < PgmWire.HeaderBytes || !PgmChecksum.IsValid(datagram))
        {
            return false;
        }

        packet.SourcePort = BinaryPrimitives.ReadUInt16BigEndian(datagram);
        packet.DestinationPort = BinaryPrimitives.ReadUInt16BigEndian(datagram[2..]);
        packet.Type = (PgmType)datagram[4];
        byte options = datagram[5];
        packet.Gsi = Tsi.ReadGsi(datagram[8..]);
        int tsdu = BinaryPrimitives.ReadUInt16BigEndian(datagram[14..]);
        var body = datagram[PgmWire.HeaderBytes..];
        int fixedBytes;
        switch (packet.Type)
        {
            case PgmType.Spm:
                if (body.Length < PgmWire.SpmBodyBytes || BinaryPrimitives.ReadUInt16BigEndian(body[12..]) != PgmWire.AfiIpv4)
                {
                    return false;
                }

                packet.Sequence = BinaryPrimitives.ReadUInt32BigEndian(body);
                packet.Trail = BinaryPrimitives.ReadUInt32BigEndian(body[4..]);
                packet.Lead = BinaryPrimitives.ReadUInt32BigEndian(body[8..]);
                packet.SourceNla = BinaryPrimitives.ReadUInt32BigEndian(body[16..]);
                fixedBytes = PgmWire.SpmBodyBytes;
                break;
            case PgmType.Odata or PgmType.Rdata:
                if (body.Length < PgmWire.DataHeaderBytes)
                {
                    return false;
                }

                packet.Sequence = BinaryPrimitives.ReadUInt32BigEndian(body);
                packet.Trail = BinaryPrimitives.ReadUInt32BigEndian(body[4..]);
                fixedBytes = PgmWire.DataHeaderBytes;
                break;
            case PgmType.Nak or PgmType.Nnak or PgmType.Ncf:
                if (body.Length < PgmWire.NakBodyBytes
                    || BinaryPrimitives.ReadUInt16BigEndian(body[4..]) != PgmWire.AfiIpv4
                    || BinaryPrimitives.ReadUInt16BigEndian(body[12..]) != PgmWire.AfiIpv4)
                {
                    return false;
                }

                packet.Sequence = BinaryPrimitives.ReadUInt32BigEndian(body);
                packet.SourceNla = BinaryPrimitives.ReadUInt32BigEndian(body[8..]);
                packet.GroupNla = BinaryPrimitives.ReadUInt32BigEndian(body[16..]);
                fixedBytes = PgmWire.NakBodyBytes;
                break;
            case PgmType.Spmr:
                fixedBytes = 0;
                break;
            default:
                return false;
        }

        var rest = body[fixedBytes..];
        if ((options & PgmWire.OptPresent) != 0)
        {
            if (!TryReadOptions(ref rest, out var nakList, out packet.Fin, out packet.Fragment))
            {
                return false;
            }

            packet.NakList = nakList;
        }

        if (packet.Type is PgmType.Odata or PgmType.Rdata)
        {
            if (rest.Length != tsdu)
            {
                return false;
            }

            packet.Payload = rest;
        }

        return true;
    }

    private static bool TryReadOptions(scoped ref ReadOnlySpan<byte> rest, out ReadOnlySpan<byte> nakList, out bool fin, out bool fragment)
    {
        nakList = default;
        fin = false;
        fragment = false;
        // The chain starts with OPT_LENGTH, which gives the length of the whole chain.
        if (rest.Length < 4 || (rest[0] & 0x7F) != PgmWire.OptLength || rest[1] != 4)
        {
            return false;
        }

        int total = BinaryPrimitives.ReadUInt16BigEndian(rest[2..]);
        if (total < 4 || total > rest.Length)
        {
            return false;
        }

        var chain = rest[4..total];
        rest = rest[total..];
        bool last = false;
        while (!last && chain.Length >= 2)
        {
            byte type = chain[0];
            int length = chain[1];
            if (length < 2 || length > chain.Length)
            {
                return false;
            }

            var option = chain[..length];
            switch (type & 0x7F)
            {
                case PgmWire.OptNakList when length >= 4 && (length - 4) % 4 == 0:
                    nakList = option[4..];
                    break;
                case PgmWire.OptFin:
                    fin = true;
                    break;
                case PgmWire.OptFragment:
                    fragment = true;
                    break;
            }

            last = (type & PgmWire.OptEnd) != 0;
            chain = chain[length..];
        }

        return true;
    }
}
