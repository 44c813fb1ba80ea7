using Telemetry.Tests.Infrastructure;

namespace Telemetry.Tests.Sdk;

/// <summary>
/// Gap repair between a publisher and a subscriber over real TCP: records the publisher's XPUB drops
/// at its high-water mark (a stalled subscriber) are asked for and resent from the publisher's
/// retransmission window, so the stream ends complete; what the window no longer holds is the
/// only gap reported, with its exact range.
/// </summary>
public class GapRepairTests
{
    private const int Total = 200_000;

    private static readonly ListLogger Log = new();

    [Fact]
    public async Task A_held_stream_delivers_every_record_once_and_in_order_after_loss_at_the_high_water_mark()
    {
        var (collector, subscriber, publisher) = await LoseRecordsAsync(GapRepair.Hold, sendFinal: true);
        await using (publisher)
        await using (subscriber)
        {
            await Eventually.Until(() => collector.Records.Count >= Total + 1 || !collector.Gaps.IsEmpty, 60_000);
            var stats = subscriber.GetStats();
            Assert.True(collector.Gaps.IsEmpty, publisher.GetStats().ToString() + subscriber.GetStats() + Log);
            Assert.Equal(new SequenceRange(1, Total + 1).ToList(), collector.Records.Select(r => r.Sequence).ToList());
            Assert.True(stats.RepairedRecords > 0, "the stalled subscriber must have lost records at the high-water mark");
            Assert.True(stats.RepairRequests > 0);
            Assert.Equal(0, stats.Gaps);
            Assert.True(publisher.GetStats().Retransmit.RecordsResent >= stats.RepairedRecords);
        }
    }

    [Fact]
    public async Task An_immediate_stream_delivers_every_record_once_with_the_repaired_ones_marked()
    {
        var (collector, subscriber, publisher) = await LoseRecordsAsync(GapRepair.Immediate, sendFinal: true);
        await using (publisher)
        await using (subscriber)
        {
            await Eventually.Until(() => collector.Records.Count >= Total + 1 || !collector.Gaps.IsEmpty, 60_000);
            Assert.Empty(collector.Gaps);
            Assert.Equal(new SequenceRange(1, Total + 1).ToList(), collector.Records.Select(r => r.Sequence).Order().ToList());
            long repaired = collector.Batches.Where(b => b.Header.Repaired).Sum(b => (long)b.Header.Count);
            Assert.True(repaired > 0);
            Assert.Equal(subscriber.GetStats().RepairedRecords, repaired);
        }
    }

    [Fact]
    public async Task A_lost_tail_of_a_quiet_stream_is_noticed_by_its_heartbeat_and_repaired()
    {
        // Nothing is published after the loss: only the publisher's stream heartbeat, carrying the
        // next sequence number, tells the subscriber that the tail is missing.
        var (collector, subscriber, publisher) = await LoseRecordsAsync(GapRepair.Hold, sendFinal: false);
        await using (publisher)
        await using (subscriber)
        {
            await Eventually.Until(() => collector.Records.Count >= Total || !collector.Gaps.IsEmpty, 60_000);
            Assert.Empty(collector.Gaps);
            Assert.Equal(new SequenceRange(1, Total).ToList(), collector.Records.Select(r => r.Sequence).ToList());
            Assert.True(publisher.GetStats().Heartbeats > 0);
        }
    }

    [Fact]
    public async Task Records_the_window_no_longer_holds_are_the_only_gap_and_its_range_is_exact()
    {
        // A window of 64 KiB keeps about the last 2,000 ticks: most of what the stall lost is gone.
        var (collector, subscriber, publisher) = await LoseRecordsAsync(GapRepair.Hold, sendFinal: true, windowBytes: 64 << 10);
        await using (publisher)
        await using (subscriber)
        {
            await Eventually.Until(() => collector.Records.LastOrDefault().Sequence == Total + 1, 60_000);
            var stats = subscriber.GetStats();
            Assert.NotEmpty(collector.Gaps);
            var seen = collector.Records.Select(r => r.Sequence).ToList();
            Assert.Equal(seen.Order(), seen);
            var covered = seen.Concat(collector.Gaps.SelectMany(g => new SequenceRange(g.FirstMissing, g.LastMissing).ToList())).Order().ToList();
            Assert.Equal(new SequenceRange(1, Total + 1).ToList(), covered);
            Assert.Equal(collector.Gaps.Sum(g => (long)g.Count), stats.MissingRecords);
            Assert.True(publisher.GetStats().Retransmit.EvictedBatches > 0);
        }
    }

    [Fact]
    public async Task A_lost_latest_value_that_no_window_holds_is_resynchronised_from_the_snapshot_service()
    {
        // No window at all: nothing can be repaired. The link is cut after record 10 while 11..20
        // are published; after the heal only the stream heartbeat shows the lost tail. The
        // subscriber reports the exact gap, then gets the current value, record 20, as a resync.
        string snapshots = $"inproc://resync-{Guid.NewGuid():N}.snapshot";
        await using var publisher = new TelemetryPublisher<Tick>(new PublisherOptions
        {
            Bind = ["tcp://127.0.0.1:*"],
            SnapshotBind = [snapshots],
            RetransmitWindowBytes = 0,
            StreamHeartbeatInterval = TimeSpan.FromMilliseconds(200),
        });
        await using var proxy = TcpProxy.To(publisher.BoundEndpoints[0]);
        var collector = new Collector<Tick>();
        await using var subscriber = collector.Attach(new TelemetrySubscriber(new SubscriberOptions
        {
            Connect = [proxy.Endpoint],
            Prefixes = ["md.LAST"],
            GapRepair = GapRepair.Immediate,
            Snapshot = true,
            SnapshotEndpoints = [snapshots],
        }));
        await Eventually.Until(() => publisher.GetStats().Subscriptions == 1 && subscriber.GetStats().Snapshots == 1, 20_000);
        var topic = publisher.Topic("md.LAST");
        for (int i = 1; i <= 10; i++)
        {
            publisher.Publish(topic, TestBatches.Tick(i));
        }

        await Eventually.Until(() => collector.Records.Count == 10, 20_000);
        proxy.Cut();
        await Eventually.Until(() => publisher.GetStats().Connections == 0, 20_000, "the publisher should see the link go");
        for (int i = 11; i <= 20; i++)
        {
            publisher.Publish(topic, TestBatches.Tick(i));
        }

        await publisher.FlushAsync();
        proxy.Heal();
        await Eventually.Until(() => subscriber.GetStats().Resyncs == 1, 30_000, "the lost tail should be resynchronised");

        var gap = Assert.Single(collector.Gaps);
        Assert.Equal((11UL, 20UL), (gap.FirstMissing, gap.LastMissing));
        var resync = Assert.Single(collector.Batches, b => b.Header.Resync);
        Assert.Equal((20UL, 1), (resync.Header.FirstSequence, resync.Header.Count));
        Assert.Equal([.. Enumerable.Range(1, 10).Select(i => (ulong)i), 20UL], collector.Records.Select(r => r.Sequence));
        Assert.Equal(20, collector.Records.Last().Record.ExchangeTimeNs);
    }

    /// <summary>
    /// A subscriber whose receive thread is stalled behind 1- and 8-message high-water marks while
    /// <see cref="Total"/> ticks are published: the publisher's XPUB drops most of them silently.
    /// </summary>
    private static async Task<(Collector<Tick>, TelemetrySubscriber, TelemetryPublisher<Tick>)> LoseRecordsAsync(GapRepair repair, bool sendFinal, long windowBytes = 256L << 20)
    {
        var publisher = new TelemetryPublisher<Tick>(new PublisherOptions
        {
            Bind = ["tcp://127.0.0.1:*"],
            SendHighWatermark = 8,
            MaxBatchRecords = 16,
            RetransmitWindowBytes = windowBytes,
            StreamHeartbeatInterval = TimeSpan.FromMilliseconds(200),
        });
        var subscriber = new TelemetrySubscriber(new SubscriberOptions
        {
            Connect = [publisher.BoundEndpoints[0]],
            Prefixes = ["md."],
            ReceiveHighWatermark = 1,
            GapRepair = repair,
        }, Log);
        using var stall = new ManualResetEventSlim(false);
        var collector = new Collector<Tick>();
        bool stalled = true;
        collector.Attach(subscriber, onBatch: () =>
        {
            if (Volatile.Read(ref stalled))
            {
                stall.Wait();
            }
        });
        await Eventually.Until(() => publisher.GetStats().Subscriptions == 1);
        var topic = publisher.Topic("md.GAP");
        for (int i = 1; i <= Total; i++)
        {
            publisher.Publish(topic, TestBatches.Tick(i));
        }

        await publisher.FlushAsync();
        Volatile.Write(ref stalled, false);
        stall.Set();
        if (sendFinal)
        {
            publisher.Publish(topic, TestBatches.Tick(Total + 1)); // arrives after the loss: the hole shows
        }

        return (collector, subscriber, publisher);
    }
}
