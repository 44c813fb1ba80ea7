using Telemetry.Tests.Infrastructure;

namespace Telemetry.Tests.Relay;

/// <summary>
/// The relay's conflated feed (docs/wire-format.md, section 15): a peer that asks for it gets each
/// topic's latest value once per interval, the records in between counted as conflated, never as a
/// gap; a peer beside it on the same relay still gets every record.
/// </summary>
public class RelayConflationTests
{
    private const int Topics = 10;
    private const int PerTopic = 2000;

    [Fact]
    public async Task A_conflated_peer_gets_the_latest_value_of_every_topic_and_no_gap_while_a_plain_peer_gets_every_record()
    {
        await using var origin = new TelemetryPublisher<Tick>(new PublisherOptions { Name = "origin", Bind = ["tcp://127.0.0.1:*"] });
        await using var relay = await RelayProcess.StartAsync("conflating", [origin.BoundEndpoints[0]]);
        var plain = new Collector<Tick>();
        var conflated = new Collector<Tick>();
        await using var plainSubscriber = plain.Attach(new TelemetrySubscriber(new SubscriberOptions { Connect = [relay.Endpoint], Prefixes = ["md.C."] }));
        await using var conflatedSubscriber = conflated.Attach(new TelemetrySubscriber(new SubscriberOptions { Connect = [relay.Endpoint], Prefixes = ["md.C."], Conflation = Conflation.Always }));

        // Both subscriptions hold one prefix upstream: the relay asked the origin for md.C. once.
        await Eventually.UntilAsync(async () => (await relay.CountersAsync()).DownstreamConnections == 2 && origin.GetStats().Subscriptions == 1, 20_000, relay.Describe);

        // A warm-up record per topic until both peers see it, so each stream has its baseline.
        var topics = Enumerable.Range(0, Topics).Select(i => origin.Topic($"md.C.S{i}")).ToArray();
        long n = await WarmUpAsync(origin, topics, () => plain.Records.Count >= Topics && conflated.Records.Count >= Topics);
        int plainBefore = plain.Records.Count;

        // Then bursts far faster than one value per topic per 100 ms.
        for (int i = 0; i < PerTopic; i++)
        {
            foreach (var topic in topics)
            {
                origin.Publish(topic, TestBatches.Tick(n + i + 1));
            }
        }

        await origin.FlushAsync();
        ulong last = (ulong)(n + PerTopic);
        await Eventually.Until(() => plain.Records.Count >= plainBefore + Topics * PerTopic, 20_000, () => $"plain peer: {plain.Records.Count}");
        await Eventually.Until(
            () => conflated.Records.Where(r => r.Sequence == last).Select(r => r.Topic).Distinct().Count() == Topics,
            20_000,
            () => $"conflated peer should end on the latest value of every topic: {string.Join(", ", conflated.Records.GroupBy(r => r.Topic).Select(g => $"{g.Key}={g.Max(r => r.Sequence)}"))}");

        // The plain peer: every record once, in order, no gap.
        Assert.Empty(plain.Gaps);
        foreach (var stream in plain.Records.GroupBy(r => r.Topic))
        {
            var sequences = stream.Select(r => r.Sequence).ToList();
            Assert.Equal(Enumerable.Range((int)sequences[0], sequences.Count).Select(i => (ulong)i), sequences);
            Assert.Equal(last, sequences[^1]);
        }

        // The conflated peer: strictly newer values per topic, far fewer than were sent, no gap, and
        // every record it did not get is counted as conflated (record batches + conflated = the span).
        Assert.Empty(conflated.Gaps);
        Assert.Equal(0, conflatedSubscriber.GetStats().Gaps);
        var batches = conflated.Batches.ToList();
        foreach (var stream in batches.GroupBy(b => b.Header.Topic))
        {
            var list = stream.ToList();
            Assert.All(list.Zip(list.Skip(1)), pair => Assert.True(pair.Second.Header.FirstSequence > pair.First.Header.FirstSequence, $"{stream.Key}: {pair.First.Header.FirstSequence} then {pair.Second.Header.FirstSequence}"));
            ulong first = list[0].Header.FirstSequence;
            long delivered = list.Sum(b => (long)b.Header.Count), skipped = list.Sum(b => b.Header.Conflated);
            Assert.Equal((long)(last - first + 1), delivered + skipped);
        }

        int received = conflated.Records.Count;
        Assert.True(received < Topics * PerTopic / 10, $"the conflated peer should get far fewer records than the {Topics * PerTopic} sent: {received}");
        Assert.Equal(batches.Sum(b => b.Header.Conflated), conflatedSubscriber.GetStats().Conflated);
        Assert.Equal(0, conflatedSubscriber.GetStats().RepairRequests);

        var metrics = await PrometheusText.ScrapeAsync(relay.MetricsUrl);
        Assert.True(metrics.Get("telemetry_relay_conflated_records_total") > 0, metrics.ToString());
        Assert.True(metrics.Get("telemetry_relay_conflated_sent_total") >= Topics, metrics.ToString());
    }

    [Fact]
    public async Task A_publisher_serves_the_conflated_feed_itself_and_a_quiet_topic_still_gets_its_last_value()
    {
        await using var origin = new TelemetryPublisher<Tick>(new PublisherOptions { Name = "origin", Bind = ["tcp://127.0.0.1:*"] });
        var conflated = new Collector<Tick>();
        await using var subscriber = conflated.Attach(new TelemetrySubscriber(new SubscriberOptions { Connect = [origin.BoundEndpoints[0]], Prefixes = ["md.Q."], Conflation = Conflation.Always }));
        await Eventually.Until(() => origin.GetStats().Subscriptions == 1, 20_000, "the conflated subscription reaches the publisher as interest in md.Q.");

        // One burst, then silence: the last value must still go out once the interval is up.
        var topic = origin.Topic("md.Q.ONE");
        for (int i = 1; i <= 5000; i++)
        {
            origin.Publish(topic, TestBatches.Tick(i));
        }

        await origin.FlushAsync();
        await Eventually.Until(() => conflated.Records.Any(r => r.Sequence == 5000), 20_000, () => $"the latest value 5000: {string.Join(",", conflated.Records.Select(r => r.Sequence))}");
        Assert.Empty(conflated.Gaps);
        Assert.True(conflated.Records.Count < 5000, $"{conflated.Records.Count} records");
        var batches = conflated.Batches.ToList();
        Assert.Equal(5000 - (long)batches[0].Header.FirstSequence + 1, batches.Sum(b => b.Header.Count + b.Header.Conflated));
    }

    [Fact]
    public async Task A_subscriber_that_falls_behind_takes_the_latest_values_instead_of_holes_then_every_record_again()
    {
        await using var origin = new TelemetryPublisher<Tick>(new PublisherOptions { Name = "origin", Bind = ["tcp://127.0.0.1:*"] });

        // A short queue toward each peer: a peer that does not keep up loses batches there at once.
        await using var relay = await RelayProcess.StartAsync("behind", [origin.BoundEndpoints[0]], environment: new Dictionary<string, string> { ["Relay__SendHighWatermark"] = "20" });
        var collector = new Collector<Tick>();
        bool slow = false;
        var options = new SubscriberOptions { Connect = [relay.Endpoint], Prefixes = ["md.B."], Conflation = Conflation.WhenBehind, ReceiveHighWatermark = 20 };
        await using var subscriber = collector.Attach(new TelemetrySubscriber(options), () =>
        {
            if (Volatile.Read(ref slow))
            {
                Thread.Sleep(2); // an application (or a link) slower than the feed
            }
        });
        await Eventually.UntilAsync(async () => (await relay.CountersAsync()).SubscriptionsHeld == 1 && origin.GetStats().Subscriptions == 1, 20_000, relay.Describe);

        var topics = Enumerable.Range(0, Topics / 2).Select(i => origin.Topic($"md.B.S{i}")).ToArray();
        long n = await WarmUpAsync(origin, topics, () => collector.Records.Select(r => r.Topic).Distinct().Count() == topics.Length);

        // A burst the slowed subscriber cannot take: the relay drops for it, it sees holes and switches.
        Volatile.Write(ref slow, true);
        const int Burst = 200_000;
        for (int i = 1; i <= Burst; i++)
        {
            foreach (var topic in topics)
            {
                origin.Publish(topic, TestBatches.Tick(n + i));
            }
        }

        await origin.FlushAsync();
        ulong last = (ulong)(n + Burst);
        await Eventually.Until(() => subscriber.GetStats().ConflationSwitches > 0, 20_000, () => $"the subscriber should fall behind and switch: {subscriber.GetStats()}");
        Volatile.Write(ref slow, false);
        await Eventually.UntilAsync(
            () => Task.FromResult(collector.Records.Where(r => r.Sequence == last).Select(r => r.Topic).Distinct().Count() == topics.Length),
            20_000,
            () => $"every topic's latest value {last} should arrive: {string.Join(", ", collector.Records.GroupBy(r => r.Topic).Select(g => $"{g.Key}={g.Max(r => r.Sequence)}"))}; {subscriber.GetStats()}");
        Assert.Empty(collector.Gaps);
        Assert.True(subscriber.GetStats().Conflated > 0, $"{subscriber.GetStats()}");
        Assert.Equal(0, subscriber.GetStats().RepairRequests);

        // After the hold the prefix takes every record again: a slow trickle arrives whole.
        await Task.Delay(TimeSpan.FromMilliseconds(ConflationHoldMs + 1000));
        int before = collector.Records.Count;
        for (int i = 1; i <= 50; i++)
        {
            foreach (var topic in topics)
            {
                origin.Publish(topic, TestBatches.Tick((long)last + i));
            }

            await origin.FlushAsync();
            await Task.Delay(5);
        }

        await Eventually.Until(() => collector.Records.Count >= before + 50 * topics.Length, 20_000, () => $"every record of the trickle: {collector.Records.Count - before} of {50 * topics.Length}; {subscriber.GetStats()}");
        foreach (var stream in collector.Records.Skip(before).GroupBy(r => r.Topic))
        {
            Assert.Equal(Enumerable.Range(1, 50).Select(i => last + (ulong)i), stream.Select(r => r.Sequence));
        }

        Assert.Empty(collector.Gaps);
        foreach (var stream in collector.Records.GroupBy(r => r.Topic))
        {
            var sequences = stream.Select(r => r.Sequence).ToList();
            Assert.All(sequences.Zip(sequences.Skip(1)), pair => Assert.True(pair.Second > pair.First, $"{stream.Key}: {pair.First} then {pair.Second}"));
        }
    }

    /// <summary>A record per topic until <paramref name="ready"/>, so each stream has its baseline; returns the last sequence sent.</summary>
    private static async Task<long> WarmUpAsync(TelemetryPublisher<Tick> origin, PublisherTopic[] topics, Func<bool> ready)
    {
        long n = 0;
        await Eventually.UntilAsync(async () =>
        {
            n++;
            foreach (var topic in topics)
            {
                origin.Publish(topic, TestBatches.Tick(n));
            }

            await origin.FlushAsync();
            await Task.Delay(50);
            return ready();
        }, 20_000, () => "warm-up records");
        return n;
    }

    private const long ConflationHoldMs = Telemetry.Subscribing.ConflationSwitch.HoldMs;
}
