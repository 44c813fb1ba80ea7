using Telemetry.Tests.Infrastructure;
using Telemetry.Wire;

namespace Telemetry.Tests.Relay;

public class RelaySnapshotTests
{
    // Started and ready (serving /metrics) before the test goes on: a relay that came up after its
    // downstream had given up on it (5 s) would leave the answer to an empty cache.
    private static Task<RelayProcess> StartRelay(string name, string upstream, string bind) =>
        RelayProcess.StartAsync(name, [upstream], bind, SnapshotProtocol.DeriveEndpoint(bind), [SnapshotProtocol.DeriveEndpoint(upstream)!]);

    [Fact]
    public async Task A_late_joiner_behind_two_relays_gets_the_latest_of_every_topic_then_the_live_stream()
    {
        string origin = FreePort.TcpEndpoint(), regional = FreePort.TcpEndpoint(), local = FreePort.TcpEndpoint();
        await using var publisher = new TelemetryPublisher<Tick>(new PublisherOptions
        {
            Name = "origin",
            Bind = [origin],
            SnapshotBind = [SnapshotProtocol.DeriveEndpoint(origin)!],
        });
        await using var regionalRelay = await StartRelay("regional", origin, regional);
        await using var localRelay = await StartRelay("local", regional, local);
        var topics = Enumerable.Range(0, 20).Select(i => publisher.Topic($"md.R.S{i:D2}")).ToArray();
        for (int n = 1; n <= 50; n++)
        {
            foreach (var topic in topics)
            {
                publisher.Publish(topic, TestBatches.Tick(n));
            }
        }

        await publisher.FlushAsync();

        // The relays have never carried these topics: their caches are empty, so the answer must come
        // from the origin through both relays.
        await using var subscriber = new TelemetrySubscriber(new SubscriberOptions { Connect = [local], Prefixes = ["md.R."], Snapshot = true });
        var collector = new Collector<Tick>();
        collector.Attach(subscriber);
        await Eventually.Until(() => subscriber.GetStats().Snapshots == 1 && collector.Records.Count >= topics.Length, 30_000, "snapshot through two relays");
        Assert.Equal(topics.Select(t => t.Name), collector.Records.Select(r => r.Topic).Order());
        Assert.All(collector.Records, r => Assert.Equal((50UL, 50L, "origin"), (r.Sequence, r.Record.ExchangeTimeNs, r.Publisher)));

        for (int n = 51; n <= 60; n++)
        {
            foreach (var topic in topics)
            {
                publisher.Publish(topic, TestBatches.Tick(n));
            }
        }

        await Eventually.Until(() => collector.Records.Count == 20 * 11, 20_000);
        foreach (var stream in collector.Records.GroupBy(r => r.Topic))
        {
            Assert.Equal(Enumerable.Range(50, 11).Select(i => (ulong)i), stream.Select(r => r.Sequence));
        }

        var stats = subscriber.GetStats();
        Assert.Equal((0L, 0L, 0L), (stats.Gaps, stats.DuplicateRecords, stats.SnapshotTimeouts));

        // A second late joiner, on a narrower prefix, while the first keeps the relays subscribed.
        await using var second = new TelemetrySubscriber(new SubscriberOptions { Connect = [local], Prefixes = ["md.R.S0"], Snapshot = true });
        var secondCollector = new Collector<Tick>();
        secondCollector.Attach(second);
        await Eventually.Until(() => second.GetStats().Snapshots == 1 && secondCollector.Records.Count >= 10, 30_000);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"md.R.S{i:D2}"), secondCollector.Records.Select(r => r.Topic).Order());
        Assert.All(secondCollector.Records, r => Assert.Equal(60UL, r.Sequence));
    }
}
