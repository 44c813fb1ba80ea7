namespace Telemetry.Tests.Sdk;

using System.Collections.Concurrent;
using Telemetry.Tests.Infrastructure;

/// <summary>
/// Publish from many threads at once, while subscriptions change: a caller that finds the sender
/// asleep runs the round itself, so the node's sockets pass between threads; nothing may be lost,
/// repeated or reordered by that, and a busy publisher must still batch.
/// </summary>
public class ConcurrentPublishTests
{
    private const int Threads = 8;
    private const int PerThread = 2_000;

    [Fact]
    public async Task Eight_threads_publishing_while_subscriptions_change_lose_nothing_repeat_nothing_and_keep_each_topics_order()
    {
        // High-water marks far above what the test sends: a drop here would be the test's, not the sender's.
        await using var publisher = new TelemetryPublisher<Tick>(new PublisherOptions { Name = "hammer", Bind = ["tcp://127.0.0.1:*"], SendHighWatermark = 1_000_000 });
        string endpoint = publisher.BoundEndpoints[0];
        var steady = new Collector<Tick>();
        await using var steadySubscriber = steady.Attach(new TelemetrySubscriber(new SubscriberOptions
        {
            Connect = [endpoint], Prefixes = ["md.H."], ReceiveHighWatermark = 1_000_000, GapRepair = GapRepair.Off,
        }));

        // The churning one subscribes to and drops the X topics over and over, so the sender reads
        // subscriptions and the X topics go from wanted to unwanted while callers run rounds.
        var churn = new Collector<Tick>();
        await using var churnSubscriber = churn.Attach(new TelemetrySubscriber(new SubscriberOptions
        {
            Connect = [endpoint], ReceiveHighWatermark = 1_000_000, GapRepair = GapRepair.Off,
        }));
        await Eventually.Until(() => publisher.GetStats().Subscriptions == 1);

        var held = Enumerable.Range(0, Threads).Select(t => publisher.Topic($"md.H.T{t}")).ToArray();
        var churned = Enumerable.Range(0, Threads).Select(t => publisher.Topic($"md.X.T{t}")).ToArray();
        using var done = new CancellationTokenSource();
        var churning = Task.Run(async () =>
        {
            for (int round = 0; !done.IsCancellationRequested; round++)
            {
                string prefix = $"md.X.T{round % Threads}";
                churnSubscriber.Subscribe(prefix);
                await Task.Delay(1);
                churnSubscriber.Unsubscribe(prefix);
            }
        });

        using var start = new Barrier(Threads);
        var errors = new ConcurrentQueue<Exception>();
        var publishers = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
        {
            try
            {
                start.SignalAndWait();
                var burst = new Tick[8];
                for (int i = 1; i <= PerThread;)
                {
                    // Odd threads queue bursts with one reservation, even ones record by record.
                    if (t % 2 == 1 && i + burst.Length - 1 <= PerThread)
                    {
                        for (int b = 0; b < burst.Length; b++)
                        {
                            burst[b] = TestBatches.Tick(i + b);
                        }

                        Assert.Equal(burst.Length, publisher.Publish(held[t], burst));
                        i += burst.Length;
                    }
                    else
                    {
                        Assert.True(publisher.Publish(held[t], TestBatches.Tick(i)));
                        i++;
                    }

                    publisher.Publish(churned[t], TestBatches.Tick(i));

                    // Short runs and pauses: the threads' pauses overlap, the sender falls asleep, and
                    // the next caller (often several at once) runs the round itself.
                    if (i % (3 + t) == 0)
                    {
                        Thread.Sleep(1);
                    }
                }
            }
            catch (Exception ex)
            {
                errors.Enqueue(ex);
            }
        }) { IsBackground = true }).ToList();
        publishers.ForEach(p => p.Start());
        publishers.ForEach(p => p.Join());
        done.Cancel();
        await churning;
        Assert.Empty(errors);

        // Then a few records far apart, each finding the sender asleep (it is awake a few
        // microseconds of every 5 ms), so the caller-sends path has run whatever the timing above.
        for (int i = 0; i < 5; i++)
        {
            await Task.Delay(10);
            publisher.Publish(churned[0], TestBatches.Tick(i));
        }

        await Eventually.Until(() => steady.Records.Count >= Threads * PerThread, 30_000, "every record of the held topics");
        foreach (var (topic, records) in steady.Records.GroupBy(r => r.Topic).Select(g => (g.Key, g.ToList())))
        {
            Assert.Equal(Enumerable.Range(1, PerThread).Select(i => (ulong)i), records.Select(r => r.Sequence));
            Assert.Equal(Enumerable.Range(1, PerThread).Select(i => (long)i), records.Select(r => r.Record.ExchangeTimeNs));
        }

        Assert.Equal(held.Select(h => h.Name).Order(), steady.Records.Select(r => r.Topic).Distinct().Order());
        Assert.Equal(Threads * PerThread, steady.Records.Count);
        var stats = steadySubscriber.GetStats();
        Assert.Equal((0L, 0L), (stats.Gaps, stats.DuplicateRecords));

        // What the churning one got of each X topic came in order, each record once.
        foreach (var records in churn.Records.GroupBy(r => r.Topic))
        {
            var sequences = records.Select(r => r.Sequence).ToList();
            Assert.True(sequences.Zip(sequences.Skip(1)).All(p => p.First < p.Second), $"{records.Key}: {string.Join(",", sequences.Take(50))}");
        }

        Assert.True(publisher.InlineRounds > 0, "no caller ever found the sender asleep and sent itself");
    }

    [Fact]
    public async Task A_caller_publishing_flat_out_is_still_batched()
    {
        const int Records = 100_000;
        await using var publisher = new TelemetryPublisher<Tick>(new PublisherOptions { Name = "busy", Bind = ["tcp://127.0.0.1:*"], SendHighWatermark = 1_000_000 });
        var collector = new Collector<Tick>();
        await using var subscriber = collector.Attach(new TelemetrySubscriber(new SubscriberOptions
        {
            Connect = [publisher.BoundEndpoints[0]], Prefixes = ["md."], ReceiveHighWatermark = 1_000_000, GapRepair = GapRepair.Off,
        }));
        await Eventually.Until(() => publisher.GetStats().Subscriptions == 1);
        var topic = publisher.Topic("md.BUSY");
        for (int i = 1; i <= Records; i++)
        {
            publisher.Publish(topic, TestBatches.Tick(i));
        }

        await Eventually.Until(() => collector.Records.Count == Records, 30_000, "every record");
        Assert.Equal(Enumerable.Range(1, Records).Select(i => (ulong)i), collector.Records.Select(r => r.Sequence));

        // A caller sends itself at most once per 20 µs; records closer together wait for the sender's
        // next round, which takes them all: far fewer messages than records.
        var stats = publisher.GetStats();
        Assert.True(stats.Batches * 4 < Records, $"{stats.Batches} batches for {Records} records, {publisher.InlineRounds} of them sent by the caller");
    }
}
