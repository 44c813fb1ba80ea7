using Telemetry.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Telemetry.Tests.Relay;

/// <summary>
/// Origin publisher -> regional relay -> local relay -> three subscribers, every upstream link through
/// a counting proxy. A deterministic in-test origin makes every count exact.
/// </summary>
public class RelayTreeTests(ITestOutputHelper output)
{
    private const int PerTopic = 1000;
    private const int Rounds = 10;

    // Published: four topics under md.SIM., two under another branch (md.XNYS.), one elsewhere.
    private static readonly string[] Topics = ["md.SIM.AAPL", "md.SIM.MSFT", "md.SIM.NVDA", "md.SIM.AMZN", "md.XNYS.IBM", "md.XNYS.KO", "log.app.INFO"];

    // Overlapping (a whole branch, two topics inside it), distinct, and one topic of the other branch.
    private static readonly string[][] SubscriberPrefixes = [["md.SIM."], ["md.SIM.AAPL", "md.SIM.MSFT"], ["md.SIM.NVDA", "md.XNYS.IBM"]];

    [Fact]
    public async Task Each_batch_crosses_each_upstream_link_once_and_only_for_subscribed_topics()
    {
        await using var origin = new TelemetryPublisher<Tick>(new PublisherOptions { Name = "origin", Bind = ["tcp://127.0.0.1:*"], MaxBatchRecords = 64 });
        await using var tree = await RelayChain.StartAsync(origin.BoundEndpoints[0], "regional", "local");
        var collectors = SubscriberPrefixes.Select(_ => new Collector<Tick>()).ToArray();
        var subscribers = SubscriberPrefixes.Select((prefixes, i) =>
            collectors[i].Attach(new TelemetrySubscriber(new SubscriberOptions { Connect = [tree.Bottom], Prefixes = prefixes }))).ToList();
        try
        {
            string[] prefixes = [.. SubscriberPrefixes.SelectMany(p => p).Distinct()];
            string[] wanted = [.. Topics.Where(t => prefixes.Any(p => t.StartsWith(p, StringComparison.Ordinal)))];
            await Eventually.Until(() => origin.GetStats().Subscriptions == prefixes.Length, 20_000, "every distinct prefix should reach the origin");

            var handles = Topics.Select(t => origin.Topic(t)).ToArray();
            for (int round = 0; round < Rounds; round++)
            {
                for (int i = round * PerTopic / Rounds + 1; i <= (round + 1) * PerTopic / Rounds; i++)
                {
                    foreach (var topic in handles)
                    {
                        origin.Publish(topic, TestBatches.Tick(i));
                    }
                }

                // A round at a time: bounds what is in flight far below any high-water mark, so nothing here may be lost.
                int expected = (round + 1) * PerTopic / Rounds;
                await Eventually.Until(
                    () => collectors.Select((c, s) => c.Records.Count == expected * WantedBy(s).Length).All(ok => ok),
                    20_000,
                    () => $"round {round}: {string.Join(", ", collectors.Select(c => c.Records.Count))}\n{tree.Describe()}");
            }

            for (int s = 0; s < collectors.Length; s++)
            {
                AssertEveryRecordInOrder(collectors[s], WantedBy(s), subscribers[s].GetStats());
            }

            // Counters are bumped just after the send that delivered the last record: let them settle
            // (every relay agreeing with the origin) before the exact comparisons below.
            await Eventually.UntilAsync(
                async () =>
                {
                    var s = origin.GetStats();
                    return s.Sent + s.DroppedUnsubscribed == (long)Topics.Length * PerTopic
                        && (await tree.CountersAsync()).All(c => (c.UpMessages, c.DownMessages) == (s.Batches, s.Batches));
                },
                10_000,
                () => $"{origin.GetStats()}\n{tree.Describe()}");

            // The origin encoded only the wanted topics: the others never reached any link.
            var sent = origin.GetStats();
            Assert.Equal((long)wanted.Length * PerTopic, sent.Sent);
            Assert.Equal((long)(Topics.Length - wanted.Length) * PerTopic, sent.DroppedUnsubscribed);

            // Each relay took in exactly what the origin sent (every batch once, no more) and passed it on once.
            var counters = await tree.CountersAsync();
            foreach (var c in counters)
            {
                Assert.Equal((sent.Batches, sent.Sent, sent.Bytes), (c.UpMessages, c.UpRecords, c.UpBytes));
                Assert.Equal((sent.Batches, sent.Sent, sent.Bytes), (c.DownMessages, c.DownRecords, c.DownBytes));
                Assert.Equal((prefixes.Length, 0L, prefixes.Length, 0L), (c.SubscriptionsForwarded, c.UnsubscriptionsForwarded, c.SubscriptionsHeld, c.Malformed));
                Assert.Equal((1L, 0L), (c.UpstreamConnects, c.UpstreamDisconnects));
            }

            // Subscribers 0 and 2 together saw every batch the origin sent; rebuilding each batch's frames
            // gives the exact batch bytes on a link, and the proxies show nothing else of size crossed.
            var batches = collectors[0].Batches.Concat(collectors[2].Batches).DistinctBy(b => (b.Header.Topic, b.Header.FirstSequence)).ToList();
            Assert.Equal(sent.Batches, batches.Count);
            Assert.Equal(sent.Bytes, batches.Sum(b => ZmtpBytes.BodyBytes(b.Header, b.RecordBytes)));
            long batchWire = batches.Sum(b => ZmtpBytes.Message(b.Header, b.RecordBytes));
            long subscriptionWire = prefixes.Sum(ZmtpBytes.Subscription);
            foreach (var (link, name) in tree.Links.Zip(["origin -> regional", "regional -> local"]))
            {
                long downOverhead = link.BytesToClient - batchWire;
                long upOverhead = link.BytesToTarget - subscriptionWire;
                output.WriteLine($"{name}: {link.BytesToClient} B down = {batchWire} B of batches ({batches.Count} messages, {sent.Bytes} B of batch bodies) + {downOverhead} B greeting/handshake/heartbeats; {link.BytesToTarget} B up = {subscriptionWire} B of subscriptions + {upOverhead} B");

                // What is left is the ZMTP greeting, the READY handshake and a heartbeat a second: far
                // less than one more batch per hundred, let alone a batch crossing twice.
                Assert.InRange(downOverhead, ZmtpBytes.Greeting, 2048);
                Assert.InRange(upOverhead, ZmtpBytes.Greeting, 2048);
                Assert.Equal(1, link.Accepted);
            }
        }
        finally
        {
            foreach (var subscriber in subscribers)
            {
                await subscriber.DisposeAsync();
            }
        }
    }

    private static string[] WantedBy(int subscriber) =>
        [.. Topics.Where(t => SubscriberPrefixes[subscriber].Any(p => t.StartsWith(p, StringComparison.Ordinal)))];

    private static void AssertEveryRecordInOrder(Collector<Tick> collector, string[] topics, SubscriberStats stats)
    {
        Assert.Equal(topics.Order(StringComparer.Ordinal), collector.Records.Select(r => r.Topic).Distinct().Order(StringComparer.Ordinal));
        foreach (var topic in topics)
        {
            var stream = collector.Records.Where(r => r.Topic == topic).ToList();
            Assert.Equal(Enumerable.Range(1, PerTopic).Select(i => (ulong)i), stream.Select(r => r.Sequence));
            Assert.Equal(Enumerable.Range(1, PerTopic).Select(i => (long)i), stream.Select(r => r.Record.ExchangeTimeNs));
        }

        Assert.Empty(collector.Gaps);
        Assert.Empty(collector.Restarts);
        Assert.Equal((0L, 0L, 0L), (stats.Gaps, stats.DuplicateRecords, stats.Malformed));
    }
}
