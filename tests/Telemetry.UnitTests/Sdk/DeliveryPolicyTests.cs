using Telemetry.Tests.Infrastructure;

namespace Telemetry.Tests.Sdk;

public class DeliveryPolicyTests
{
    private static async Task<(TelemetryPublisher<Tick> Publisher, TelemetrySubscriber Subscriber, IAsyncEnumerator<Received<Tick>> Reader)> Start(SubscriberOptions options)
    {
        var publisher = new TelemetryPublisher<Tick>(new PublisherOptions { Bind = ["tcp://127.0.0.1:*"] });
        var subscriber = new TelemetrySubscriber(options with { Connect = [publisher.BoundEndpoints[0]], Prefixes = ["md."] });
        var reader = subscriber.ReadAllAsync<Tick>().GetAsyncEnumerator();
        await Eventually.Until(() => publisher.GetStats().Subscriptions == 1);
        return (publisher, subscriber, reader);
    }

    [Fact]
    public async Task Drop_oldest_keeps_the_newest_records_and_counts_every_drop()
    {
        var (publisher, subscriber, reader) = await Start(new SubscriberOptions { BufferCapacity = 100, BufferFullMode = BufferFullMode.DropOldest });
        await using (publisher)
        await using (subscriber)
        {
            var topic = publisher.Topic("md.D");
            for (int i = 1; i <= 10_000; i++)
            {
                publisher.Publish(topic, TestBatches.Tick(i));
            }

            // Nobody reads: the receive thread must keep going and drop the oldest.
            await Eventually.Until(() => subscriber.GetStats().Records == 10_000);
            var stats = subscriber.GetStats();
            Assert.True(stats.Dropped > 0);
            Assert.Equal(10_000, stats.Dropped + stats.Buffered);

            var read = new List<ulong>();
            for (int i = 0; i < stats.Buffered; i++)
            {
                Assert.True(await reader.MoveNextAsync());
                read.Add(reader.Current.Sequence);
            }

            Assert.Equal(10_000UL, read[^1]);
            Assert.Equal(read.Order(), read);
            Assert.Equal(Enumerable.Range(10_001 - read.Count, read.Count).Select(i => (ulong)i), read);
        }
    }

    [Fact]
    public async Task Conflate_delivers_only_the_latest_record_per_topic()
    {
        var (publisher, subscriber, reader) = await Start(new SubscriberOptions { BufferFullMode = BufferFullMode.Conflate });
        await using (publisher)
        await using (subscriber)
        {
            var topics = Enumerable.Range(0, 10).Select(i => publisher.Topic($"md.C{i}")).ToArray();
            for (int n = 1; n <= 100; n++)
            {
                foreach (var topic in topics)
                {
                    publisher.Publish(topic, TestBatches.Tick(n));
                }
            }

            await Eventually.Until(() => subscriber.GetStats().Records == 1000);
            var latest = new List<Received<Tick>>();
            for (int i = 0; i < 10; i++)
            {
                Assert.True(await reader.MoveNextAsync());
                latest.Add(reader.Current);
            }

            Assert.Equal(topics.Select(t => t.Name).Order(), latest.Select(r => r.Topic).Order());
            Assert.All(latest, r => Assert.Equal(100UL, r.Sequence));
            Assert.All(latest, r => Assert.Equal(100, r.Record.ExchangeTimeNs));
            Assert.Equal(990, subscriber.GetStats().Conflated);
            Assert.Equal(0, subscriber.GetStats().Buffered);
        }
    }

    [Fact]
    public async Task Block_delivers_everything_in_order_to_a_slow_reader()
    {
        var (publisher, subscriber, reader) = await Start(new SubscriberOptions { BufferCapacity = 16, BufferFullMode = BufferFullMode.Block });
        await using (publisher)
        await using (subscriber)
        {
            var topic = publisher.Topic("md.B");
            for (int i = 1; i <= 2000; i++)
            {
                publisher.Publish(topic, TestBatches.Tick(i));
            }

            for (ulong expected = 1; expected <= 2000; expected++)
            {
                Assert.True(await reader.MoveNextAsync());
                Assert.Equal(expected, reader.Current.Sequence);
                if (expected % 100 == 0)
                {
                    await Task.Delay(5);
                }
            }

            Assert.Equal(0, subscriber.GetStats().Dropped);
        }
    }

    [Fact]
    public async Task Disposing_the_subscriber_ends_the_enumeration()
    {
        var (publisher, subscriber, reader) = await Start(new SubscriberOptions());
        await using (publisher)
        {
            var next = reader.MoveNextAsync().AsTask();
            await subscriber.DisposeAsync();
            Assert.False(await next.WaitAsync(TimeSpan.FromSeconds(10)));
        }
    }

    [Fact]
    public async Task Reading_another_kind_skips_and_counts_it()
    {
        var (publisher, subscriber, _) = await Start(new SubscriberOptions());
        await using (publisher)
        await using (subscriber)
        {
            publisher.Publish(publisher.Topic("md.K", kind: "quote"), TestBatches.Tick(1));
            await Eventually.Until(() => subscriber.GetStats().KindMismatch == 1);
        }
    }

    [Fact]
    public async Task Several_consumers_each_get_every_record_in_order()
    {
        // A second consumer was refused before consumers had buffers of their own (issue 12, item 5):
        // now a second ReadAllAsync and a zero-copy handler read the same subscriber side by side.
        var (publisher, subscriber, first) = await Start(new SubscriberOptions());
        await using (publisher)
        await using (subscriber)
        {
            var second = subscriber.ReadAllAsync<Tick>().GetAsyncEnumerator();
            var seen = new System.Collections.Concurrent.ConcurrentQueue<ulong>();
            subscriber.Start((in RecordBatch batch) =>
            {
                ulong sequence = batch.Header.FirstSequence;
                foreach (var _ in batch.Records<Tick>())
                {
                    seen.Enqueue(sequence++);
                }
            });
            var topic = publisher.Topic("md.S");
            for (int i = 1; i <= 1000; i++)
            {
                publisher.Publish(topic, TestBatches.Tick(i));
            }

            foreach (var reader in new[] { first, second })
            {
                for (ulong expected = 1; expected <= 1000; expected++)
                {
                    Assert.True(await reader.MoveNextAsync());
                    Assert.Equal(expected, reader.Current.Sequence);
                }
            }

            await Eventually.Until(() => seen.Count == 1000);
            Assert.Equal(Enumerable.Range(1, 1000).Select(i => (ulong)i), seen);
            Assert.Equal(1000, subscriber.GetStats().Records);
        }
    }
}
