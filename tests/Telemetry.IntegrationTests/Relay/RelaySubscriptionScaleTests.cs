using System.Diagnostics;
using Telemetry.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Telemetry.Tests.Relay;

/// <summary>
/// Subscriptions are messages that ZeroMQ drops silently at a high-water mark (1,000 by default);
/// through three relays every one of 10,000 must still reach the origin and be honoured.
/// </summary>
public class RelaySubscriptionScaleTests(ITestOutputHelper output)
{
    private const int Subscriptions = 10_000;

    // Topics published in one go before waiting for them: far below every high-water mark on the path.
    private const int Chunk = 250;

    [Fact]
    public async Task Ten_thousand_distinct_subscriptions_through_three_relays_are_all_honoured()
    {
        // No stream heartbeats: the relays' message counts are checked against the origin's batches.
        await using var origin = new TelemetryPublisher<Tick>(new PublisherOptions { Name = "origin", Bind = ["tcp://127.0.0.1:*"], StreamHeartbeatInterval = TimeSpan.Zero });
        await using var chain = await RelayChain.StartAsync(origin.BoundEndpoints[0], "relay-1", "relay-2", "relay-3");

        // Same width, so no prefix is a prefix of another: 10,000 distinct subscriptions all the way up.
        string[] prefixes = [.. Enumerable.Range(0, Subscriptions).Select(i => $"s.{i:D5}.")];
        var clock = Stopwatch.StartNew();
        var collector = new Collector<Tick>();
        await using var subscriber = collector.Attach(new TelemetrySubscriber(new SubscriberOptions { Connect = [chain.Bottom], Prefixes = prefixes }));

        await Eventually.Until(() => origin.GetStats().Subscriptions == Subscriptions, 30_000, () => $"subscriptions at the origin: {origin.GetStats().Subscriptions}\n{chain.Describe()}");
        var settled = clock.Elapsed;

        // Each relay counts a subscription just after sending it up: the origin may see the last one first.
        await Eventually.UntilAsync(async () => (await chain.CountersAsync()).All(c => c.SubscriptionsForwarded == Subscriptions), 10_000, chain.Describe);
        foreach (var c in await chain.CountersAsync())
        {
            Assert.Equal((Subscriptions, 0L, Subscriptions), (c.SubscriptionsForwarded, c.UnsubscriptionsForwarded, c.SubscriptionsHeld));
        }

        var wanted = Enumerable.Range(0, Subscriptions).Select(i => origin.Topic($"s.{i:D5}.v")).ToArray();
        var unwanted = Enumerable.Range(0, Subscriptions).Select(i => origin.Topic($"s.{i:D5}-v")).ToArray();
        for (int start = 0; start < Subscriptions; start += Chunk)
        {
            for (int i = start; i < start + Chunk; i++)
            {
                origin.Publish(wanted[i], TestBatches.Tick(i));
                origin.Publish(unwanted[i], TestBatches.Tick(i));
            }

            int expected = start + Chunk;
            await Eventually.Until(() => collector.Records.Count >= expected, 20_000, () => $"{collector.Records.Count} of {expected} records arrived\n{chain.Describe()}");
        }

        output.WriteLine($"10,000 subscriptions reached the origin through 3 relays in {settled.TotalSeconds:F2} s; 10,000 records delivered in chunks of {Chunk} in {(clock.Elapsed - settled).TotalSeconds:F2} s");

        // One record on each of the 10,000 topics, each the first of its stream, and nothing else.
        var received = collector.Records.OrderBy(r => r.Record.ExchangeTimeNs).ToList();
        Assert.Equal(Subscriptions, received.Count);
        Assert.Equal(Enumerable.Range(0, Subscriptions).Select(i => $"s.{i:D5}.v"), received.Select(r => r.Topic));
        Assert.Equal(Enumerable.Range(0, Subscriptions).Select(i => (long)i), received.Select(r => r.Record.ExchangeTimeNs));
        Assert.All(received, r => Assert.Equal(1UL, r.Sequence));
        Assert.Empty(collector.Gaps);

        // Counters are bumped just after the sends that delivered the records: let them settle first.
        await Eventually.UntilAsync(
            async () =>
            {
                var s = origin.GetStats();
                return s.DroppedUnsubscribed == Subscriptions && (await chain.CountersAsync()).All(c => c.DownMessages == s.Batches);
            },
            10_000,
            chain.Describe);
        var sent = origin.GetStats();
        Assert.Equal((long)Subscriptions, sent.Sent);
        Assert.Equal((long)Subscriptions, sent.DroppedUnsubscribed);
        foreach (var c in await chain.CountersAsync())
        {
            Assert.Equal((sent.Batches, (long)Subscriptions), (c.UpMessages, c.UpRecords));
            Assert.Equal((sent.Batches, (long)Subscriptions), (c.DownMessages, c.DownRecords));
        }
    }
}
