using Microsoft.Extensions.Logging;
using Telemetry.Tests.Infrastructure;

namespace Telemetry.Tests.Sdk;

public class TopologyTests
{
    [Fact]
    public async Task Records_flow_over_inproc()
    {
        await using var publisher = new TelemetryPublisher<Tick>(new PublisherOptions { Bind = ["inproc://topology-inproc"] });
        await using var subscriber = new TelemetrySubscriber(new SubscriberOptions { Connect = ["inproc://topology-inproc"], Prefixes = ["md."] });
        var collector = new Collector<Tick>();
        collector.Attach(subscriber);
        await Eventually.Until(() => publisher.GetStats().Subscriptions == 1);
        var topic = publisher.Topic("md.X.Y");
        for (int i = 1; i <= 5000; i++)
        {
            publisher.Publish(topic, TestBatches.Tick(i));
        }

        await Eventually.Until(() => collector.Records.Count == 5000);
        Assert.Equal(Enumerable.Range(1, 5000).Select(i => (ulong)i), collector.Records.Select(r => r.Sequence));
        Assert.Equal(Enumerable.Range(1, 5000).Select(i => (long)i), collector.Records.Select(r => r.Record.ExchangeTimeNs));
    }

    [Fact]
    public async Task Many_publishers_connect_to_one_bound_subscriber()
    {
        await using var sink = new TelemetrySubscriber(new SubscriberOptions { Bind = ["tcp://127.0.0.1:*"], Prefixes = ["log."] });
        var collector = new Collector<LogRecord>();
        collector.Attach(sink);
        var publishers = Enumerable.Range(0, 5)
            .Select(i => new TelemetryPublisher<LogRecord>(new PublisherOptions { Name = $"app{i}", Connect = [sink.BoundEndpoints[0]] }))
            .ToList();
        try
        {
            await Eventually.Until(() => publishers.All(p => p.GetStats().Subscriptions == 1));
            for (int n = 0; n < 1000; n++)
            {
                foreach (var (p, i) in publishers.Select((p, i) => (p, i)))
                {
                    p.Publish($"log.app{i}.Information", new LogRecord(n, LogLevel.Information, "Orders", $"order {n}"));
                }
            }

            await Eventually.Until(() => collector.Records.Count == 5000);
            foreach (var group in collector.Records.GroupBy(r => r.Publisher))
            {
                Assert.Equal(Enumerable.Range(1, 1000).Select(i => (ulong)i), group.Select(r => r.Sequence));
                Assert.All(group, r => Assert.Equal($"log.{r.Publisher}.Information", r.Topic));
            }

            Assert.Equal(5, collector.Records.Select(r => r.Publisher).Distinct().Count());
            Assert.Empty(collector.Gaps);
        }
        finally
        {
            foreach (var p in publishers)
            {
                await p.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Subscribe_and_unsubscribe_at_runtime_change_what_arrives()
    {
        await using var publisher = new TelemetryPublisher<Tick>(new PublisherOptions { Bind = ["tcp://127.0.0.1:*"] });
        await using var subscriber = new TelemetrySubscriber(new SubscriberOptions { Connect = [publisher.BoundEndpoints[0]], Prefixes = ["md.A"] });
        var collector = new Collector<Tick>();
        collector.Attach(subscriber);
        var a = publisher.Topic("md.A");
        var b = publisher.Topic("md.B");
        await Eventually.Until(() => publisher.GetStats().Subscriptions == 1);

        publisher.Publish(a, TestBatches.Tick(1));
        publisher.Publish(b, TestBatches.Tick(2));
        await Eventually.Until(() => collector.Records.Count == 1);

        subscriber.Subscribe("md.B");
        await Eventually.Until(() => publisher.GetStats().Subscriptions == 2);
        publisher.Publish(b, TestBatches.Tick(3));
        await Eventually.Until(() => collector.Records.Count == 2);

        subscriber.Unsubscribe("md.A");
        await Eventually.Until(() => publisher.GetStats().Subscriptions == 1);
        publisher.Publish(a, TestBatches.Tick(4));
        publisher.Publish(b, TestBatches.Tick(5));
        await Eventually.Until(() => collector.Records.Count == 3);
        await publisher.FlushAsync();
        await Task.Delay(200); // anything still in flight for md.A would have arrived by now

        Assert.Equal(["md.A", "md.B", "md.B"], collector.Records.Select(r => r.Topic));
        Assert.Equal([1L, 3, 5], collector.Records.Select(r => r.Record.ExchangeTimeNs));

        // md.B's first record and md.A's last were not sent (nobody wanted them) but took sequence
        // numbers; a stream's first batch is its baseline and a re-subscribed stream starts afresh, so no gap.
        Assert.Equal([1UL, 2, 3], collector.Records.Select(r => r.Sequence));
        Assert.Empty(collector.Gaps);
        Assert.True(publisher.GetStats().DroppedUnsubscribed >= 2);
    }

    [Fact]
    public async Task A_subscriber_started_before_its_publisher_receives_once_the_publisher_appears()
    {
        string endpoint = FreePort.TcpEndpoint();
        await using var subscriber = new TelemetrySubscriber(new SubscriberOptions { Connect = [endpoint], Prefixes = [""] });
        var collector = new Collector<Tick>();
        collector.Attach(subscriber);
        await Task.Delay(300); // several reconnect attempts against nothing

        await using var publisher = new TelemetryPublisher<Tick>(new PublisherOptions { Bind = [endpoint] });
        await Eventually.Until(() => publisher.GetStats().Subscriptions == 1);
        for (int i = 1; i <= 100; i++)
        {
            publisher.Publish("md.LATE", TestBatches.Tick(i));
        }

        await Eventually.Until(() => collector.Records.Count == 100);
        Assert.Equal(Enumerable.Range(1, 100).Select(i => (ulong)i), collector.Records.Select(r => r.Sequence));
    }
}
