namespace Telemetry.Transport.Pgm;

/// <summary>PGM packet types (RFC 3208 section 8) as they appear in the header's type byte.</summary>
internal enum PgmType : byte
{
    Spm = 0x00,
    Odata = 0x04,
    Rdata = 0x05,
    Nak = 0x08,
    Nnak = 0x09,
    Ncf = 0x0a,
    Spmr = 0x0c,
}

/// <summary>Sizes and option codes of the PGM wire format, as libzmq's OpenPGM puts them on the wire.</summary>
internal static class PgmWire
{
    public const int HeaderBytes = 16;
    public const int DataHeaderBytes = 8;
    public const int SpmBodyBytes = 20;
    public const int NakBodyBytes = 20;

    // Header options byte (RFC 3208 8.1).
    public const byte OptPresent = 0x01;
    public const byte OptNetwork = 0x02;

    // Option types; the high bit marks the last option in the chain.
    public const byte OptLength = 0x00;
    public const byte OptFragment = 0x01;
    public const byte OptNakList = 0x02;
    public const byte OptFin = 0x0e;
    public const byte OptEnd = 0x80;

    /// <summary>Sequence numbers one NAK may carry: its own plus an OPT_NAK_LIST of up to 62 (RFC 3208 9.1).</summary>
    public const int MaxNakSequences = 63;

    public const ushort AfiIpv4 = 1;

    /// <summary>IP (20) and UDP (8) headers in front of every PGM packet, counted against the TPDU size and the rate.</summary>
    public const int IpUdpOverhead = 28;

    /// <summary>
    /// OpenPGM keeps room for OPT_LENGTH + OPT_FRAGMENT in every data packet even when it does not
    /// fragment, so libzmq's largest payload for a 1500-byte TPDU is 1428 bytes; we size ours the
    /// same way so that both sides agree on what fits.
    /// </summary>
    public const int FragmentOptionReserve = 20;

    /// <summary>The largest TSDU (payload of one ODATA) for a given maximum TPDU, as OpenPGM computes it.</summary>
    public static int MaxTsdu(int maxTpdu) => maxTpdu - IpUdpOverhead - HeaderBytes - DataHeaderBytes - FragmentOptionReserve;

    /// <summary>Serial-number comparison (RFC 1982 style) for 32-bit PGM sequence numbers: a is before b.</summary>
    public static bool Before(uint a, uint b) => (int)(a - b) < 0;

    /// <summary>a is at or before b in sequence-number space.</summary>
    public static bool AtOrBefore(uint a, uint b) => (int)(a - b) <= 0;
}
