using Telemetry.Tests.Infrastructure;

namespace Telemetry.Tests.Pgm;

/// <summary>
/// The SDK's publisher and subscriber over epgm:// on a private namespace LAN: fan-out to two
/// hosts (one ours, one libzmq), repair under random loss, exact gap reports when loss outruns the
/// transmit window, and a libzmq publisher into our subscriber.
/// </summary>
public sealed class PgmSdkTests
{
    // Enough that a 2% loss is sure to hit (see PgmInteropTests): at 3,000 ticks the chance that
    // netem dropped no data packet, and "repaired > 0" failed for want of loss, was 1 to 2%.
    private const int Ticks = 8000;

    [SkippableFact]
    public async Task One_publisher_reaches_our_subscriber_and_a_libzmq_subscriber_on_two_hosts_through_2_percent_loss()
    {
        PgmPeers.SkipIfUnavailable();
        using var net = NamespaceNetwork.Create(hosts: 3);
        int port = Random.Shared.Next(20_000, 30_000);
        net.AddInboundLoss(2, port, 2);
        net.AddInboundLoss(3, port, 2);

        await using var libzmq = PgmPeers.StartLibzmq(net, 3, "sub", port, "--records", $"{Ticks * PgmPeers.Topics.Length}", "--timeout", "60", "--prefix", "md.");
        await using var subscriber = InNamespace.Run(net.Namespace(2), () => new TelemetrySubscriber(new SubscriberOptions { Connect = [net.Endpoint(2, port)], Prefixes = ["md."] }));
        var collector = new Collector<Tick>();
        collector.Attach(subscriber);
        await PgmPeers.WaitForEvent(libzmq, "ready");

        await using (var publisher = InNamespace.Run(net.Namespace(1), () => new TelemetryPublisher<Tick>(new PublisherOptions { Name = "pgm-feed", Bind = [net.Endpoint(1, port)] })))
        {
            PublishTicks(publisher, 1, Ticks);
            await Eventually.Until(() => collector.Records.Count >= Ticks * PgmPeers.Topics.Length, 60_000, () => $"records: {collector.Records.Count}, {string.Join(", ", subscriber.GetPgmStats())}");
            var summary = await PgmPeers.Summary(libzmq);
            Assert.Equal(Ticks * PgmPeers.Topics.Length, summary.GetProperty("records").GetInt64());
            Assert.Equal(0, summary.GetProperty("gaps").GetArrayLength());
            Assert.Equal(0, summary.GetProperty("errors").GetArrayLength());
            Assert.True(publisher.GetPgmStats()[0].RepairPackets > 0, "2% loss on both receivers was repaired with RDATA");
        }

        Assert.Empty(collector.Gaps);
        foreach (var topic in PgmPeers.Topics)
        {
            var sequences = collector.Records.Where(r => r.Topic == topic).Select(r => r.Sequence).ToList();
            Assert.Equal(Range(1, Ticks), sequences);
        }

        var stats = subscriber.GetPgmStats()[0];
        Assert.True(stats.Repaired > 0, $"our receiver repaired its losses: {stats}");
        Assert.Equal(0, stats.Lost);
    }

    [SkippableFact]
    public async Task Loss_beyond_the_transmit_window_is_reported_as_the_exact_gap()
    {
        PgmPeers.SkipIfUnavailable();
        using var net = NamespaceNetwork.Create(hosts: 2);
        int port = Random.Shared.Next(20_000, 30_000);
        const string topic = "md.SIM.GAP";

        // A tiny window (64 packets): what is published while the receiver is cut off cannot all be repaired.
        var pgm = PgmOptions.Default with { RecoveryInterval = TimeSpan.FromMilliseconds(1) };
        await using var subscriber = InNamespace.Run(net.Namespace(2), () => new TelemetrySubscriber(new SubscriberOptions { Connect = [net.Endpoint(2, port)], Prefixes = ["md."], Pgm = pgm }));
        var collector = new Collector<Tick>();
        collector.Attach(subscriber);
        await using var publisher = InNamespace.Run(net.Namespace(1), () => new TelemetryPublisher<Tick>(new PublisherOptions { Name = "pgm-gap", Bind = [net.Endpoint(1, port)], Pgm = pgm, MaxBatchRecords = 64 }));
        var handle = publisher.Topic(topic);

        const int before = 1000, during = 20_000, after = 1000;
        Publish(publisher, handle, 1, before);
        await Eventually.Until(() => collector.Records.Count == before, 20_000);

        net.BlockInbound(2, port);
        Publish(publisher, handle, before + 1, during);
        await publisher.FlushAsync();
        await Eventually.Until(() => publisher.GetPgmStats()[0].DataPackets > 64 * 4, 20_000);
        net.ClearLoss(2);

        ulong last = before + during + after;
        Publish(publisher, handle, before + during + 1, after);
        await Eventually.Until(() => collector.Records.LastOrDefault().Sequence == last, 30_000, () => $"last record; stats {subscriber.GetStats()} {subscriber.GetPgmStats()[0]}");

        Assert.NotEmpty(collector.Gaps);
        var delivered = collector.Records.Select(r => r.Sequence).ToList();
        Assert.Equal(delivered.Order(), delivered);
        var covered = delivered.Concat(collector.Gaps.SelectMany(g => Range(g.FirstMissing, g.LastMissing))).Order().ToList();
        Assert.Equal(Range(1, last), covered);
        Assert.Equal(collector.Gaps.Sum(g => (long)g.Count), subscriber.GetStats().MissingRecords);
        Assert.True(subscriber.GetPgmStats()[0].Lost > 0, "the transport gave up on packets the source no longer held");
    }

    [SkippableFact]
    public async Task Our_subscriber_receives_a_libzmq_publisher_through_2_percent_loss()
    {
        PgmPeers.SkipIfUnavailable();
        using var net = NamespaceNetwork.Create(hosts: 2);
        int port = Random.Shared.Next(20_000, 30_000);
        net.AddInboundLoss(2, port, 2);
        await using var subscriber = InNamespace.Run(net.Namespace(2), () => new TelemetrySubscriber(new SubscriberOptions { Connect = [net.Endpoint(2, port)], Prefixes = ["md.SIM.A", "md.SIM.B"] }));
        var collector = new Collector<Tick>();
        collector.Attach(subscriber);
        await using var pub = PgmPeers.StartLibzmq(net, 1, "pub", port, "--ticks", $"{Ticks}", "--batch", "16", "--linger-ms", "10000");

        // Prefix filtering is local on multicast: md.SIM.CCC arrives on the wire but is not delivered.
        await Eventually.Until(() => collector.Records.Count >= Ticks * 2, 60_000, () => $"records: {collector.Records.Count}\n{pub.Describe()}");
        await Task.Delay(300);
        Assert.Empty(collector.Gaps);
        Assert.Equal(["md.SIM.AAA", "md.SIM.BBB"], collector.Records.Select(r => r.Topic).Distinct().Order());
        foreach (var topic in new[] { "md.SIM.AAA", "md.SIM.BBB" })
        {
            Assert.Equal(Range(1, Ticks), collector.Records.Where(r => r.Topic == topic).Select(r => r.Sequence));
        }

        Assert.Equal(Interop.SampleRecords.Tick(1, 77), collector.Records.Single(r => r.Topic == "md.SIM.BBB" && r.Sequence == 77).Record);
        Assert.True(subscriber.GetPgmStats()[0].Repaired > 0);
    }

    private static void PublishTicks(TelemetryPublisher<Tick> publisher, int first, int count)
    {
        var handles = PgmPeers.Topics.Select(t => publisher.Topic(t)).ToList();
        for (int s = first; s < first + count; s++)
        {
            for (int t = 0; t < handles.Count; t++)
            {
                publisher.Publish(handles[t], Interop.SampleRecords.Tick(t, s));
            }
        }
    }

    private static void Publish(TelemetryPublisher<Tick> publisher, PublisherTopic topic, int first, int count)
    {
        for (int s = first; s < first + count; s++)
        {
            publisher.Publish(topic, TestBatches.Tick(s));
        }
    }

    private static List<ulong> Range(ulong first, ulong last) => [.. Enumerable.Range(0, (int)(last - first + 1)).Select(i => first + (ulong)i)];
}
