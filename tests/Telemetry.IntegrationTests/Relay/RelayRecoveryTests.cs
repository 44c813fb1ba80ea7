using System.Diagnostics;
using NetMQ;
using Telemetry.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Telemetry.Tests.Relay;

/// <summary>Relays and publishers that die and come back: what the subscribers below see.</summary>
public class RelayRecoveryTests(ITestOutputHelper output)
{
    private static readonly string[] Watched = ["md.SIM.AAPL", "md.SIM.MSFT"];

    /// <summary>
    /// With the origin's default window (30 s) the outage is repaired: every record of every topic
    /// arrives below, once, with no gap. With a window of 300 ms most of it is beyond any window: what
    /// is left is repaired and exactly the rest is reported as a gap.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_relay_killed_and_restarted_on_its_port_costs_the_subscribers_below_nothing_within_the_window(bool beyondWindow)
    {
        await using var origin = new TelemetryPublisher<Tick>(new PublisherOptions
        {
            Name = "origin",
            Bind = ["tcp://127.0.0.1:*"],
            RetransmitWindowAge = beyondWindow ? TimeSpan.FromMilliseconds(300) : PublisherOptions.Default.RetransmitWindowAge,
        });

        // The witness reads the origin directly and sees every record: the truth the gaps below are
        // checked against. It also keeps the topics wanted at the origin while the relay is down, so
        // the test does not depend on whether an origin numbers records nobody subscribes to.
        var witness = new Collector<Tick>();
        await using var witnessSubscriber = witness.Attach(new TelemetrySubscriber(new SubscriberOptions { Connect = [origin.BoundEndpoints[0]], Prefixes = ["md."] }));
        await using var tree = await RelayChain.StartAsync(origin.BoundEndpoints[0], "regional", "local");
        var regional = tree.Relays[0];

        long restartedAt = 0;
        long firstAfterRestart = 0;
        var below = new Collector<Tick>();
        await using var subscriber = below.Attach(
            new TelemetrySubscriber(new SubscriberOptions { Connect = [tree.Bottom], Prefixes = Watched }),
            onBatch: () =>
            {
                if (Volatile.Read(ref restartedAt) != 0)
                {
                    Interlocked.CompareExchange(ref firstAfterRestart, Stopwatch.GetTimestamp(), 0);
                }
            });
        await Eventually.Until(() => origin.GetStats().Subscriptions == 1 + Watched.Length, 20_000, tree.Describe());

        using var stopFeed = new CancellationTokenSource();
        var feed = Task.Run(() => FeedAsync(origin, stopFeed.Token));
        await Eventually.Until(() => below.Records.Count >= 200, 20_000, () => $"records before the kill: {below.Records.Count}\n{tree.Describe()}");

        await regional.KillAsync();
        int witnessAtKill = witness.Records.Count;
        await Eventually.Until(() => witness.Records.Count >= witnessAtKill + 900, 20_000, "the origin should go on publishing during the outage");

        int belowBeforeRestart = below.Records.Count;
        Volatile.Write(ref restartedAt, Stopwatch.GetTimestamp());
        await regional.RestartAsync();
        long ready = Stopwatch.GetTimestamp();
        await Eventually.Until(() => below.Records.Count >= belowBeforeRestart + 200, 20_000, () => $"records after the restart: {below.Records.Count - belowBeforeRestart}\n{tree.Describe()}");

        await stopFeed.CancelAsync();
        long last = await feed;
        await Eventually.Until(() => Watched.All(t => LastSequence(witness, t) == (ulong)last && LastSequence(below, t) == (ulong)last), 20_000, "the last records should arrive everywhere");

        // Repairs come after the live records: wait until every record is delivered or reported missing.
        await Eventually.Until(
            () => Watched.All(t => below.Records.Count(r => r.Topic == t) + below.Gaps.Where(g => g.Topic == t).Sum(g => (long)g.Count) >= last),
            20_000,
            "the outage should be repaired or reported");

        output.WriteLine(
            $"relay restart (new process started) to first record below: {Stopwatch.GetElapsedTime(restartedAt, firstAfterRestart).TotalMilliseconds:F0} ms; " +
            $"its /metrics answered after {Stopwatch.GetElapsedTime(restartedAt, ready).TotalMilliseconds:F0} ms; " +
            $"failed starts: {regional.FailedStarts.Count}; repaired {subscriber.GetStats().RepairedRecords}; lost: {string.Join(", ", below.Gaps.Select(g => $"{g.Topic} {g.FirstMissing}..{g.LastMissing}"))}");

        Assert.True(regional.FailedStarts.Count == 0, regional.Describe());
        var stats = subscriber.GetStats();
        foreach (var topic in Watched)
        {
            var all = SequencesOf(witness, topic);
            Assert.Equal(Enumerable.Range(1, (int)last).Select(i => (ulong)i), all);

            // Ticks are delivered at once, so repaired records come after later ones: each record once.
            var delivered = SequencesOf(below, topic);
            Assert.Equal(delivered.Distinct().Count(), delivered.Count);
            var gaps = below.Gaps.Where(g => g.Topic == topic).ToList();
            Assert.All(gaps, g => Assert.Equal(("origin", origin.Session), (g.Publisher, g.Session)));
            if (!beyondWindow)
            {
                Assert.Empty(gaps);
                Assert.Equal(all, delivered.Order());
            }
            else
            {
                // Delivered and reported missing tile the sequence space exactly.
                Assert.NotEmpty(gaps);
                Assert.Equal(all, delivered.Concat(gaps.SelectMany(g => new SequenceRange(g.FirstMissing, g.LastMissing).ToList())).Order());
            }

            Assert.All(below.Records, r => Assert.Equal((long)r.Sequence, r.Record.ExchangeTimeNs));
        }

        Assert.True(beyondWindow || stats.RepairedRecords > 0, $"the outage should have been repaired from the origin's window: {stats}");
        Assert.Empty(below.Restarts);
        Assert.Equal(below.Gaps.Sum(g => (long)g.Count), stats.MissingRecords);

        // The restarted relay got its subscriptions again from the local relay's reconnect alone (the
        // local relay forwarded nothing new) and passed them up to the origin.
        var (regionalNow, localNow) = (await regional.CountersAsync(), await tree.Relays[1].CountersAsync());
        Assert.Equal(((long)Watched.Length, (long)Watched.Length), (regionalNow.SubscriptionsForwarded, regionalNow.SubscriptionsHeld));
        Assert.Equal(((long)Watched.Length, (long)Watched.Length), (localNow.SubscriptionsForwarded, localNow.SubscriptionsHeld));
        Assert.True(localNow.UpstreamConnects >= 2, $"the local relay should have reconnected: {localNow}");
        Assert.Equal(1 + Watched.Length, origin.GetStats().Subscriptions);
    }

    [Fact]
    public async Task A_relay_started_before_its_upstream_connects_when_it_appears_and_a_publisher_restart_behind_it_is_a_new_session()
    {
        string upstream = FreePort.StableTcpEndpoint();
        await using var relay = await RelayProcess.StartAsync("local", [upstream]);
        var collector = new Collector<Tick>();
        await using var subscriber = collector.Attach(new TelemetrySubscriber(new SubscriberOptions { Connect = [relay.Endpoint], Prefixes = ["md."] }));
        await Eventually.UntilAsync(async () => (await relay.CountersAsync()).SubscriptionsHeld == 1, 20_000, relay.Describe);
        Assert.Equal(0, (await relay.CountersAsync()).UpstreamConnects);

        ulong firstSession;
        await using (var first = await Publishers.BindWhenFreeAsync(upstream))
        {
            firstSession = first.Session;
            await Eventually.Until(() => first.GetStats().Subscriptions == 1, 20_000, "the waiting relay should connect and subscribe");
            Publish(first, 100);
            await Eventually.Until(() => collector.Records.Count == 100, 20_000, relay.Describe());
        }

        await using var second = await Publishers.BindWhenFreeAsync(upstream);
        Assert.NotEqual(firstSession, second.Session);
        await Eventually.Until(() => second.GetStats().Subscriptions == 1, 20_000, "the relay should reconnect to the restarted publisher");
        Publish(second, 50);
        await Eventually.Until(() => collector.Records.Count == 150, 20_000, relay.Describe());

        Assert.Empty(collector.Gaps);
        var restart = Assert.Single(collector.Restarts);
        Assert.Equal(("feed", firstSession, second.Session, 1UL), (restart.Publisher, restart.PreviousSession, restart.Session, restart.FirstSequence));
        Assert.Equal(Enumerable.Range(1, 100).Concat(Enumerable.Range(1, 50)).Select(i => (ulong)i), collector.Records.Select(r => r.Sequence));
        Assert.Equal(Enumerable.Repeat(firstSession, 100).Concat(Enumerable.Repeat(second.Session, 50)), collector.Records.Select(r => r.Session));
        Assert.True((await relay.CountersAsync()).UpstreamConnects >= 2);
    }

    /// <summary>Publishes record i on every watched topic and on one only the witness wants, until stopped; returns the last i.</summary>
    private static async Task<long> FeedAsync(TelemetryPublisher<Tick> origin, CancellationToken stop)
    {
        var topics = Watched.Append("md.SIM.NVDA").Select(t => origin.Topic(t)).ToArray();
        long i = 0;
        while (!stop.IsCancellationRequested)
        {
            i++;
            foreach (var topic in topics)
            {
                origin.Publish(topic, TestBatches.Tick(i));
            }

            await Task.Delay(1, CancellationToken.None);
        }

        await origin.FlushAsync(CancellationToken.None);
        return i;
    }

    private static void Publish(TelemetryPublisher<Tick> publisher, int count)
    {
        for (int i = 1; i <= count; i++)
        {
            publisher.Publish("md.SIM.AAPL", TestBatches.Tick(i));
        }
    }

    private static List<ulong> SequencesOf(Collector<Tick> collector, string topic) =>
        [.. collector.Records.Where(r => r.Topic == topic).Select(r => r.Sequence)];

    private static ulong LastSequence(Collector<Tick> collector, string topic) =>
        collector.Records.Where(r => r.Topic == topic).Select(r => r.Sequence).DefaultIfEmpty().Max();
}
