using Telemetry.Transport.Pgm;

namespace Telemetry.Tests.Pgm;

/// <summary>
/// The PGM codec against packets libzmq 4.3.4 (OpenPGM) put on the wire between two namespaces,
/// captured with tcpdump: we read each one, and writing the same fields gives the same bytes,
/// checksum included.
/// </summary>
public sealed class PgmCodecTests
{
    // TSI b7c6d1bc038a.19257, source 10.231.0.1, group 239.192.7.1, port 5600.
    private const string Spm = "4b3915e0000006f0b7c6d1bc038a00000000000000000000ffffffff000100000ae70001";
    private const string SpmFin = "4b3915e0000178c4b7c6d1bc038a0000000000090000000000000011000100000ae70001000400088e040000";
    private const string Odata = "4b3915e00400068bb7c6d1bc038a001c000000030000000000000c016d642e53494d2e4141504c0c007878787878787878787831";

    // TSI b7c6d1bc038a.58957: a receiver's NAK with an OPT_NAK_LIST, and the source's NCF echoing it.
    private const string NakList = "15e0e64d0803ea8bb7c6d1bc038a000000000022000100000ae7000100010000efc0070100040010820c00000000002300000024";
    private const string NcfList = "e64d15e00a03e88bb7c6d1bc038a000000000022000100000ae7000100010000efc0070100040010820c00000000002300000024";
    private const string Nak = "15e0e64d08006d0fb7c6d1bc038a000000000009000100000ae7000100010000efc00701";

    private static readonly Tsi Source = new(0xb7c6d1bc038a, 19257);
    private static readonly Tsi Source2 = new(0xb7c6d1bc038a, 58957);
    private const uint SourceNla = 0x0ae70001;
    private const uint GroupNla = 0xefc00701;

    [Fact]
    public void Libzmq_spms_are_read_and_written_byte_for_byte()
    {
        Assert.True(PgmPacket.TryParse(Convert.FromHexString(Spm), out var spm));
        Assert.Equal(PgmType.Spm, spm.Type);
        Assert.Equal(Source, spm.Tsi);
        Assert.Equal(5600, spm.DestinationPort);
        Assert.Equal((0u, 0u, uint.MaxValue, SourceNla), (spm.Sequence, spm.Trail, spm.Lead, spm.SourceNla));
        Assert.False(spm.Fin);

        Assert.True(PgmPacket.TryParse(Convert.FromHexString(SpmFin), out var fin));
        Assert.True(fin.Fin);
        Assert.Equal((9u, 0u, 17u), (fin.Sequence, fin.Trail, fin.Lead));

        var buffer = new byte[128];
        int length = PgmPacketWriter.WriteSpm(buffer, Source, 5600, 0, 0, uint.MaxValue, SourceNla, fin: false);
        Assert.Equal(Spm, Convert.ToHexStringLower(buffer, 0, length));
        length = PgmPacketWriter.WriteSpm(buffer, Source, 5600, 9, 0, 17, SourceNla, fin: true);
        Assert.Equal(SpmFin, Convert.ToHexStringLower(buffer, 0, length));
    }

    [Fact]
    public void Libzmq_odata_is_read_and_written_byte_for_byte()
    {
        var bytes = Convert.FromHexString(Odata);
        Assert.True(PgmPacket.TryParse(bytes, out var odata));
        Assert.Equal(PgmType.Odata, odata.Type);
        Assert.Equal((3u, 0u), (odata.Sequence, odata.Trail));
        Assert.Equal(28, odata.Payload.Length);

        var buffer = new byte[128];
        odata.Payload.CopyTo(buffer.AsSpan(PgmPacketWriter.DataPayloadOffset));
        int length = PgmPacketWriter.WriteData(buffer, PgmType.Odata, Source, 5600, 3, 0, odata.Payload.Length);
        Assert.Equal(Odata, Convert.ToHexStringLower(buffer, 0, length));
    }

    [Fact]
    public void Naks_and_ncfs_with_a_nak_list_are_read_and_written_byte_for_byte()
    {
        Assert.True(PgmPacket.TryParse(Convert.FromHexString(NakList), out var nak));
        Assert.Equal(PgmType.Nak, nak.Type);
        Assert.Equal(Source2.SourcePort, nak.DestinationPort);
        Assert.Equal((34u, SourceNla, GroupNla), (nak.Sequence, nak.SourceNla, nak.GroupNla));
        Assert.Equal(2, nak.NakListCount);
        Assert.Equal((35u, 36u), (nak.NakListAt(0), nak.NakListAt(1)));

        var buffer = new byte[512];
        int length = PgmPacketWriter.WriteNak(buffer, PgmType.Nak, Source2, 5600, SourceNla, GroupNla, 34, [35, 36]);
        Assert.Equal(NakList, Convert.ToHexStringLower(buffer, 0, length));
        length = PgmPacketWriter.WriteNak(buffer, PgmType.Ncf, Source2, 5600, SourceNla, GroupNla, 34, [35, 36]);
        Assert.Equal(NcfList, Convert.ToHexStringLower(buffer, 0, length));
        length = PgmPacketWriter.WriteNak(buffer, PgmType.Nak, Source2, 5600, SourceNla, GroupNla, 9, []);
        Assert.Equal(Nak, Convert.ToHexStringLower(buffer, 0, length));
    }

    [Fact]
    public void A_corrupted_or_truncated_packet_is_rejected()
    {
        var bytes = Convert.FromHexString(Odata);
        bytes[^1] ^= 0x40;
        Assert.False(PgmPacket.TryParse(bytes, out _));
        Assert.False(PgmPacket.TryParse(Convert.FromHexString(Odata).AsSpan(0, 20), out _));
        Assert.False(PgmPacket.TryParse(Convert.FromHexString(Spm).AsSpan(0, 30), out _));
    }

    [Fact]
    public void Rdata_made_from_a_stored_odata_carries_the_current_trail_and_a_valid_checksum()
    {
        var window = new TransmitWindow(packets: 4, maxPacketBytes: 128, firstSequence: uint.MaxValue - 1);
        var packet = new byte[128];
        for (int i = 0; i < 6; i++)
        {
            var (sequence, trail) = window.NextSequence();
            packet[PgmPacketWriter.DataPayloadOffset] = (byte)i;
            int length = PgmPacketWriter.WriteData(packet, PgmType.Odata, Source, 5600, sequence, trail, 1);
            window.Append(sequence, packet.AsSpan(0, length));
        }

        // Six sent across the 32-bit wrap into a window of four: the first two are gone.
        Assert.Equal((0u, 3u), (window.Trail, window.Lead));
        var rdata = new byte[128];
        Assert.Equal(0, window.CopyAsRdata(uint.MaxValue, rdata));
        int n = window.CopyAsRdata(1, rdata);
        Assert.True(PgmPacket.TryParse(rdata.AsSpan(0, n), out var repair));
        Assert.Equal((PgmType.Rdata, 1u, 0u, (byte)3), (repair.Type, repair.Sequence, repair.Trail, repair.Payload[0]));
    }
}
