using NetMQ;
using Telemetry.Tests.Infrastructure;

namespace Telemetry.Tests.Sdk;

public class LossAndRestartTests
{
    [Fact]
    public async Task Records_lost_at_the_high_water_mark_are_reported_as_gaps_with_exact_ranges()
    {
        await using var publisher = new TelemetryPublisher<Tick>(new PublisherOptions
        {
            Bind = ["tcp://127.0.0.1:*"],
            SendHighWatermark = 1,
            MaxBatchRecords = 16,
        });
        await using var subscriber = new TelemetrySubscriber(new SubscriberOptions
        {
            Connect = [publisher.BoundEndpoints[0]],
            Prefixes = ["md."],
            ReceiveHighWatermark = 1,
            GapRepair = GapRepair.Off, // detection alone; GapRepairTests repairs the same loss
        });
        using var stall = new ManualResetEventSlim(false);
        var collector = new Collector<Tick>();
        collector.Attach(subscriber, onBatch: () => stall.Wait());
        await Eventually.Until(() => publisher.GetStats().Subscriptions == 1);

        // The subscriber's receive thread is stalled in its handler: socket buffers fill, then the
        // publisher's XPUB drops whole batches silently, which only sequence numbers can reveal.
        const int total = 400_000;
        var topic = publisher.Topic("md.GAP");
        for (int i = 1; i <= total; i++)
        {
            publisher.Publish(topic, TestBatches.Tick(i));
        }

        await publisher.FlushAsync();
        stall.Set();

        // Only a later record (or a heartbeat) reveals the loss, and at a 1-message high-water mark
        // that record can be dropped too: publish one more at a time until one arrives.
        long next = total;
        await Eventually.Until(
            () =>
            {
                publisher.Publish(topic, TestBatches.Tick(++next));
                return collector.Records.LastOrDefault().Sequence > total;
            },
            20_000);

        var stats = subscriber.GetStats();
        Assert.True(stats.Gaps > 0, "a stalled subscriber behind a 1-message HWM must lose records");
        var seen = collector.Records.Select(r => r.Sequence).ToList();
        ulong end = Math.Max(seen[^1], collector.Gaps.Select(g => g.LastMissing).DefaultIfEmpty().Max());
        Assert.Equal((long)collector.Gaps.Sum(g => (long)g.Count), stats.MissingRecords);

        // Delivered sequences and gap ranges tile 1..end exactly, in order, without overlap.
        Assert.Equal(seen.Order(), seen);
        var covered = seen.Concat(collector.Gaps.SelectMany(g => new SequenceRange(g.FirstMissing, g.LastMissing).ToList())).Order().ToList();
        Assert.Equal(new SequenceRange(1, end).ToList(), covered);
        Assert.All(collector.Records, r => Assert.Equal((long)r.Sequence, r.Record.ExchangeTimeNs));
    }

    [Fact]
    public async Task A_restarted_publisher_is_a_new_session_and_not_a_gap()
    {
        string endpoint = FreePort.TcpEndpoint();
        await using var subscriber = new TelemetrySubscriber(new SubscriberOptions { Connect = [endpoint], Prefixes = ["md."] });
        var collector = new Collector<Tick>();
        collector.Attach(subscriber);

        ulong firstSession;
        await using (var first = new TelemetryPublisher<Tick>(new PublisherOptions { Name = "feed", Bind = [endpoint] }))
        {
            firstSession = first.Session;
            await Eventually.Until(() => first.GetStats().Subscriptions == 1);
            for (int i = 1; i <= 100; i++)
            {
                first.Publish("md.R", TestBatches.Tick(i));
            }

            await Eventually.Until(() => collector.Records.Count == 100);
        }

        var second = await Publishers.BindWhenFreeAsync(endpoint);
        await using (second)
        {
            Assert.NotEqual(firstSession, second.Session);
            await Eventually.Until(() => second.GetStats().Subscriptions == 1);
            for (int i = 1; i <= 50; i++)
            {
                second.Publish("md.R", TestBatches.Tick(i));
            }

            await Eventually.Until(() => collector.Records.Count == 150);
        }

        Assert.Empty(collector.Gaps);
        var restart = Assert.Single(collector.Restarts);
        Assert.Equal(firstSession, restart.PreviousSession);
        Assert.Equal(second.Session, restart.Session);
        Assert.Equal(1UL, restart.FirstSequence);
        Assert.Equal(Enumerable.Range(1, 50).Select(i => (ulong)i), collector.Records.Skip(100).Select(r => r.Sequence));
    }
}
