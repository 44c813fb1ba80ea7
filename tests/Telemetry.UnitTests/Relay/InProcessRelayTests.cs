using Telemetry.Relay;
using Telemetry.Tests.Infrastructure;

namespace Telemetry.Tests.Relay;

/// <summary>The relay as a library (<see cref="TelemetryRelay"/>), constructed in-process between an in-process publisher and subscribers.</summary>
public class InProcessRelayTests
{
    [Fact]
    public async Task An_in_process_relay_forwards_only_subscribed_topics_in_order_and_answers_a_late_joiner_from_its_cache()
    {
        await using var publisher = new TelemetryPublisher<Tick>(new PublisherOptions { Name = "origin", Bind = ["tcp://127.0.0.1:*"], SnapshotBind = ["inproc://in-process-origin.snapshot"] });
        using var relay = new TelemetryRelay(new RelayOptions
        {
            Name = "in-process",
            Upstream = [publisher.BoundEndpoints[0]],
            Bind = ["tcp://127.0.0.1:*"],
            SnapshotBind = ["inproc://in-process-relay.snapshot"],
            UpstreamSnapshot = ["inproc://in-process-origin.snapshot"],
        });
        relay.Start();
        var collector = new Collector<Tick>();
        await using var subscriber = collector.Attach(new TelemetrySubscriber(new SubscriberOptions { Connect = [relay.BoundEndpoints[0]], Prefixes = ["md.A."] }));

        // The subscription travels up through the relay to the publisher.
        await Eventually.Until(() => publisher.GetStats().Subscriptions == 1 && relay.GetStats().HeldSubscriptions == 1);
        for (int i = 1; i <= 1000; i++)
        {
            publisher.Publish("md.A.X", TestBatches.Tick(i));
            publisher.Publish("md.B.Y", TestBatches.Tick(i));
        }

        await Eventually.Until(() => collector.Records.Count == 1000);
        Assert.Equal(Enumerable.Range(1, 1000).Select(i => (ulong)i), collector.Records.Select(r => r.Sequence));
        Assert.All(collector.Records, r => Assert.Equal("md.A.X", r.Topic));

        // md.B was wanted by nobody: the publisher never sent it, so it never crossed the relay.
        await Eventually.Until(() => publisher.GetStats().DroppedUnsubscribed == 1000 && relay.GetStats().DownRecords == 1000);
        var stats = relay.GetStats();
        Assert.Equal((1000L, 1000L, 0L), (stats.UpRecords, stats.DownRecords, stats.MalformedTotal));

        // A late joiner gets md.A.X's latest record, asked of the origin through the relay's snapshot service.
        var late = new Collector<Tick>();
        await using var lateSubscriber = late.Attach(new TelemetrySubscriber(new SubscriberOptions
        {
            Connect = [relay.BoundEndpoints[0]], Prefixes = ["md.A."], Snapshot = true, SnapshotEndpoints = ["inproc://in-process-relay.snapshot"],
        }));
        await Eventually.Until(() => lateSubscriber.GetStats().Snapshots == 1 && !late.Records.IsEmpty);
        Assert.Equal([("md.A.X", 1000UL)], late.Records.Select(r => (r.Topic, r.Sequence)));
    }
}
