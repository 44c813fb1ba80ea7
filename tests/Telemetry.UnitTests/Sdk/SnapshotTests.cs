using Telemetry.Tests.Infrastructure;

namespace Telemetry.Tests.Sdk;

public class SnapshotTests
{
    [Fact]
    public async Task A_late_joiner_gets_every_topics_latest_record_at_once_then_the_live_stream_without_duplicate_or_hole()
    {
        string endpoint = FreePort.TcpEndpoint();
        await using var publisher = new TelemetryPublisher<Tick>(new PublisherOptions
        {
            Name = "lvc",
            Bind = [endpoint],
            SnapshotBind = [Telemetry.Wire.SnapshotProtocol.DeriveEndpoint(endpoint)!],
        });
        var topics = Enumerable.Range(0, 20).Select(i => publisher.Topic($"md.SNAP.S{i:D2}")).ToArray();
        var other = publisher.Topic("other.SNAP");

        // Nobody subscribes yet: the records are not sent, but they are numbered and cached.
        for (int n = 1; n <= 50; n++)
        {
            foreach (var topic in topics)
            {
                publisher.Publish(topic, TestBatches.Tick(n));
            }

            publisher.Publish(other, TestBatches.Tick(n));
        }

        await publisher.FlushAsync();
        await using var subscriber = new TelemetrySubscriber(new SubscriberOptions { Connect = [endpoint], Prefixes = ["md.SNAP."], Snapshot = true });
        var collector = new Collector<Tick>();
        collector.Attach(subscriber);

        // No new record is published: what arrives now can only come from the snapshot.
        await Eventually.Until(() => subscriber.GetStats().Snapshots == 1 && collector.Records.Count >= topics.Length, because: "the snapshot should complete");
        Assert.Equal(topics.Select(t => t.Name), collector.Records.Select(r => r.Topic).Order());
        Assert.All(collector.Records, r => Assert.Equal((50UL, 50L), (r.Sequence, r.Record.ExchangeTimeNs)));

        // The live stream continues from sequence 51: no duplicate, no gap.
        for (int n = 51; n <= 60; n++)
        {
            foreach (var topic in topics)
            {
                publisher.Publish(topic, TestBatches.Tick(n));
            }
        }

        await Eventually.Until(() => collector.Records.Count == 20 * 11);
        foreach (var stream in collector.Records.GroupBy(r => r.Topic))
        {
            Assert.Equal(Enumerable.Range(50, 11).Select(i => (ulong)i), stream.Select(r => r.Sequence));
            Assert.Equal(Enumerable.Range(50, 11).Select(i => (long)i), stream.Select(r => r.Record.ExchangeTimeNs));
        }

        var stats = subscriber.GetStats();
        Assert.Equal((0L, 0L, 0L), (stats.Gaps, stats.DuplicateRecords, stats.SnapshotTimeouts));
    }

    [Fact]
    public async Task A_snapshot_taken_while_the_feed_runs_merges_with_the_live_stream_by_sequence()
    {
        string endpoint = FreePort.TcpEndpoint();
        await using var publisher = new TelemetryPublisher<Tick>(new PublisherOptions
        {
            Bind = [endpoint],
            SnapshotBind = [Telemetry.Wire.SnapshotProtocol.DeriveEndpoint(endpoint)!],
        });
        var topic = publisher.Topic("md.RUN");
        using var stop = new CancellationTokenSource();
        long published = 0;
        var feed = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                publisher.Publish(topic, TestBatches.Tick(Interlocked.Increment(ref published)));
                if (published % 100 == 0)
                {
                    await Task.Delay(1);
                }
            }
        });

        // The feed must have numbered records before the late joiner comes, however busy the pool is.
        await Eventually.Until(() => Interlocked.Read(ref published) >= 1000, because: "the feed should have published first");
        await using var subscriber = new TelemetrySubscriber(new SubscriberOptions { Connect = [endpoint], Prefixes = ["md."], Snapshot = true });
        var collector = new Collector<Tick>();
        collector.Attach(subscriber);
        await Eventually.Until(() => subscriber.GetStats().Snapshots == 1 && collector.Records.Count > 1000);
        await stop.CancelAsync();
        await feed;

        var sequences = collector.Records.Select(r => r.Sequence).ToList();
        Assert.Equal(sequences.Order(), sequences);
        Assert.Equal(sequences.Distinct().Count(), sequences.Count);
        Assert.Equal(Enumerable.Range((int)sequences[0], sequences.Count).Select(i => (ulong)i), sequences);
        Assert.True(sequences[0] > 1, "a late joiner starts from the latest record, not from the beginning");
        Assert.All(collector.Records, r => Assert.Equal((long)r.Sequence, r.Record.ExchangeTimeNs));
        Assert.Equal(0, subscriber.GetStats().Gaps);
    }
}
