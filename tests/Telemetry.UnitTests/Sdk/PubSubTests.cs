namespace Telemetry.Tests.Sdk;

using Telemetry.Tests.Infrastructure;

public class PubSubTests
{
    [Fact]
    public async Task Records_published_over_tcp_arrive_in_order_with_sequence_numbers()
    {
        await using var publisher = new TelemetryPublisher<Tick>(new PublisherOptions { Name = "p1", Bind = ["tcp://127.0.0.1:*"] });
        await using var subscriber = new TelemetrySubscriber(new SubscriberOptions { Connect = [publisher.BoundEndpoints[0]], Prefixes = ["md."] });
        var reader = subscriber.ReadAllAsync<Tick>().GetAsyncEnumerator();
        var topic = publisher.Topic("md.SIM.AAPL");

        // The slow joiner: publish until the subscription has reached the publisher.
        await Eventually.Until(() => publisher.GetStats().Subscriptions == 1);
        for (int i = 0; i < 10_000; i++)
        {
            publisher.Publish(topic, new Tick(i, 100 + i, 99, 101, 5, 2, 0, TickFlags.Trade));
        }

        ulong expected = 1;
        while (expected <= 10_000)
        {
            Assert.True(await reader.MoveNextAsync());
            var r = reader.Current;
            Assert.Equal(expected, r.Sequence);
            Assert.Equal((long)expected - 1, r.Record.ExchangeTimeNs);
            Assert.Equal("md.SIM.AAPL", r.Topic);
            Assert.Equal("p1", r.Publisher);
            Assert.Equal("tick", r.Kind);
            expected++;
        }

        Assert.Equal(0, subscriber.GetStats().Gaps);
    }

    [Fact]
    public async Task A_span_of_records_is_queued_in_one_go_and_arrives_in_order()
    {
        await using var publisher = new TelemetryPublisher<Tick>(new PublisherOptions { Bind = ["inproc://span-publish"], QueueCapacity = 1024 });
        await using var subscriber = new TelemetrySubscriber(new SubscriberOptions { Connect = ["inproc://span-publish"], Prefixes = ["md."] });
        var collector = new Collector<Tick>();
        collector.Attach(subscriber);
        await Eventually.Until(() => publisher.GetStats().Subscriptions == 1);
        var topic = publisher.Topic("md.SPAN");

        // Bursts larger than the queue: the call waits for room (Block) and queues everything, in order.
        var burst = Enumerable.Range(1, 5000).Select(i => TestBatches.Tick(i)).ToArray();
        Assert.Equal(5000, publisher.Publish(topic, burst));
        Assert.Equal(5000, publisher.Publish(topic, burst.AsSpan(0, 5000)));
        await Eventually.Until(() => collector.Records.Count == 10_000);
        Assert.Equal(Enumerable.Range(1, 10_000).Select(i => (ulong)i), collector.Records.Select(r => r.Sequence));
        Assert.Equal(burst.Concat(burst).Select(t => t.ExchangeTimeNs), collector.Records.Select(r => r.Record.ExchangeTimeNs));
    }

    [Fact]
    public async Task A_span_publish_into_a_full_dropping_queue_returns_how_many_were_queued_and_counts_the_rest()
    {
        await using var publisher = new TelemetryPublisher<Tick>(new PublisherOptions { Bind = ["inproc://span-drop"], QueueCapacity = 64, QueueFullMode = QueueFullMode.DropNewest });
        var topic = publisher.Topic("md.DROP");
        var burst = Enumerable.Range(1, 100_000).Select(i => TestBatches.Tick(i)).ToArray();
        int queued = publisher.Publish(topic, burst);
        Assert.InRange(queued, 1, 100_000);
        Assert.Equal(100_000 - queued, publisher.GetStats().DroppedQueueFull);
        Assert.Equal(queued, publisher.GetStats().Published);
    }
}
