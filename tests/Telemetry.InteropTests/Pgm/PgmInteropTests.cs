using Telemetry.Transport.Pgm;

namespace Telemetry.Tests.Pgm;

/// <summary>
/// Our PGM transport against libzmq's epgm (Debian's pyzmq), on a private LAN of network
/// namespaces: each direction, clean and with random loss that NAK/RDATA must repair.
/// </summary>
public sealed class PgmInteropTests
{
    // Enough that a 2% loss is sure to hit: about 700 data packets, so the chance that netem drops
    // none (and "repaired > 0" fails for want of loss, not of repair) is 0.98^700, about 1e-6.
    // At 2,000 ticks it was 0.98^170, about 3%, and it happened.
    private const int Ticks = 8000;
    private const int Batch = 16;

    [SkippableTheory]
    [InlineData(0)]
    [InlineData(2)]
    public async Task A_libzmq_subscriber_receives_every_record_we_send(int lossPercent)
    {
        PgmPeers.SkipIfUnavailable();
        using var net = NamespaceNetwork.Create(hosts: 2);
        int port = Random.Shared.Next(20_000, 30_000);
        if (lossPercent > 0)
        {
            net.AddInboundLoss(2, port, lossPercent);
        }

        await using var sub = PgmPeers.StartLibzmq(net, 2, "sub", port, "--records", $"{Ticks * PgmPeers.Topics.Length}", "--timeout", "60");
        await PgmPeers.WaitForEvent(sub, "ready");
        var endpoint = PgmEndpoint.Parse(net.Endpoint(1, port));
        var sender = InNamespace.Run(net.Namespace(1), () => new PgmSender(endpoint, PgmOptions.Default, TimeSpan.FromSeconds(10)));
        PgmSenderStats stats;
        try
        {
            PgmPeers.PublishTicks(sender, Ticks, Batch);
            var summary = await PgmPeers.Summary(sub);
            stats = sender.GetStats();
            Assert.Equal(Ticks * PgmPeers.Topics.Length, summary.GetProperty("records").GetInt64());
            Assert.Equal(0, summary.GetProperty("gaps").GetArrayLength());
            Assert.Equal(0, summary.GetProperty("errors").GetArrayLength());
            foreach (var stream in summary.GetProperty("streams").EnumerateArray())
            {
                Assert.Equal(1, stream.GetProperty("first").GetInt64());
                Assert.Equal(Ticks + 1, stream.GetProperty("next").GetInt64());
            }
        }
        finally
        {
            sender.Dispose();
        }

        if (lossPercent > 0)
        {
            Assert.True(stats.RepairPackets > 0, $"loss was repaired with RDATA: {stats}");
        }
    }

    [SkippableTheory]
    [InlineData(0)]
    [InlineData(2)]
    public async Task Our_receiver_gets_every_record_a_libzmq_publisher_sends(int lossPercent)
    {
        PgmPeers.SkipIfUnavailable();
        using var net = NamespaceNetwork.Create(hosts: 2);
        int port = Random.Shared.Next(20_000, 30_000);
        if (lossPercent > 0)
        {
            net.AddInboundLoss(2, port, lossPercent);
        }

        var collected = new PgmPeers.Collected();
        var endpoint = PgmEndpoint.Parse(net.Endpoint(2, port));
        using var receiver = InNamespace.Run(net.Namespace(2), () => new PgmReceiver(endpoint, PgmOptions.Default, 1 << 20, collected.OnMessage));
        await using var pub = PgmPeers.StartLibzmq(net, 1, "pub", port, "--ticks", $"{Ticks}", "--batch", $"{Batch}", "--linger-ms", "10000");
        long expected = Ticks * PgmPeers.Topics.Length;
        await Infrastructure.Eventually.Until(() => collected.Records >= expected, 60_000, () => $"all records; have {collected.Records}, stats {receiver.GetStats()}\n{pub.Describe()}");
        Assert.Equal(0, collected.Malformed);
        foreach (var topic in PgmPeers.Topics)
        {
            var seen = collected.Sequences[topic];
            Assert.Equal(Ticks, seen.Count);
            Assert.Equal(Enumerable.Range(1, Ticks).Select(i => (ulong)i), seen.Keys.Order());
        }

        var stats = receiver.GetStats();
        Assert.Equal(0, stats.Lost);
        if (lossPercent > 0)
        {
            Assert.True(stats.Repaired > 0, $"loss was repaired: {stats}");
        }
    }

    [SkippableFact]
    public async Task Our_receiver_asks_for_a_lost_first_packet_of_a_libzmq_publisher_and_delivers_it()
    {
        PgmPeers.SkipIfUnavailable();
        using var net = NamespaceNetwork.Create(hosts: 2);
        int port = Random.Shared.Next(20_000, 30_000);

        // libzmq's first data packet is sequence 0; its SPM before it announced lead 0xffffffff.
        net.DropOdata(2, port, 0);
        var collected = new PgmPeers.Collected();
        var endpoint = PgmEndpoint.Parse(net.Endpoint(2, port));
        using var receiver = InNamespace.Run(net.Namespace(2), () => new PgmReceiver(endpoint, PgmOptions.Default, 1 << 20, collected.OnMessage));
        await using var pub = PgmPeers.StartLibzmq(net, 1, "pub", port, "--ticks", "160", "--batch", "16", "--linger-ms", "10000");
        await Infrastructure.Eventually.Until(() => collected.Records >= 160 * PgmPeers.Topics.Length, 30_000, () => $"all records; have {collected.Records}, stats {receiver.GetStats()}\n{pub.Describe()}");

        foreach (var topic in PgmPeers.Topics)
        {
            Assert.Equal(Enumerable.Range(1, 160).Select(i => (ulong)i), collected.Sequences[topic].Keys.Order());
        }

        var stats = receiver.GetStats();
        Assert.Equal((1L, 0L), (stats.Repaired, stats.Lost));
    }
}
