using System.Text;
using Telemetry.Transport.Pgm;

namespace Telemetry.Tests.Pgm;

/// <summary>
/// Where a receiver joins a source: after the lead of an SPM heard before any data (so a lost first
/// data packet is asked for), or at the first data when no SPM came first.
/// </summary>
public sealed class PgmPeerTests
{
    private static readonly Tsi Source = new(0xb7c6d1bc038a, 19257);

    [Fact]
    public void After_an_spm_a_lost_first_data_packet_is_naked_and_its_repair_delivers_both_in_order()
    {
        var topics = new List<string>();
        var peer = NewPeer(topics);

        // libzmq's first SPM, before any data: trail 0, lead 0xffffffff.
        peer.OnSpmLead(uint.MaxValue, now: 0);
        Assert.True(peer.OnData(1, 0, Tsdu("md.B"), repair: false, now: 0));

        Assert.Equal((0u, 1u), (peer.Next, peer.Lead));
        Assert.Equal([0u], peer.Naks.Keys);
        Assert.Empty(topics);

        Assert.True(peer.OnData(0, 0, Tsdu("md.A"), repair: true, now: 0));
        Assert.Equal(["md.A", "md.B"], topics);
        Assert.Equal((2L, 1L, 0L), (peer.Delivered, peer.Repaired, peer.Lost));
        Assert.Empty(peer.Naks);
    }

    [Fact]
    public void Without_an_spm_the_source_is_joined_at_the_first_data_and_nothing_before_it_is_asked_for()
    {
        var topics = new List<string>();
        var peer = NewPeer(topics);

        Assert.True(peer.OnData(5, 0, Tsdu("md.F"), repair: false, now: 0));

        Assert.Equal(["md.F"], topics);
        Assert.Equal(6u, peer.Next);
        Assert.Empty(peer.Naks);
    }

    [Fact]
    public void A_late_joiner_starts_after_the_lead_of_the_first_spm_it_hears()
    {
        var topics = new List<string>();
        var peer = NewPeer(topics);

        peer.OnSpmLead(41, now: 0);
        Assert.False(peer.OnData(41, 30, Tsdu("md.OLD"), repair: false, now: 0));
        Assert.True(peer.OnData(43, 30, Tsdu("md.C"), repair: false, now: 0));

        Assert.Empty(topics);
        Assert.Equal([42u], peer.Naks.Keys);
    }

    private static PgmPeer NewPeer(List<string> topics) =>
        new(Source, new ApduReader(1 << 20, (data, frames) => topics.Add(Encoding.UTF8.GetString(data[frames[0]]))), now: 0);

    /// <summary>One TSDU holding one whole message: the topic frame and a small body.</summary>
    private static byte[] Tsdu(string topic)
    {
        byte[]? tsdu = null;
        var writer = new ApduWriter(1400, t => tsdu = t.ToArray());
        writer.WriteMessage(Encoding.UTF8.GetBytes(topic), "body"u8, default);
        writer.Flush();
        return tsdu!;
    }
}
