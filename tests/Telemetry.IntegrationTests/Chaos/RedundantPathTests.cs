using Telemetry.Tests.Infrastructure;

namespace Telemetry.Tests.Chaos;

/// <summary>
/// Hot failover (docs/architecture.md, "Redundant paths"): a subscriber connected to two relays fed
/// by one publisher gets every record once, whichever path brings it first. One relay is SIGKILLed
/// and restarted while the other carries the feed: nothing is lost, nothing repeated. Once on
/// loopback, once with each relay in a network namespace of its own (two failure domains).
/// </summary>
[Collection(ChaosProcesses.Name)]
public class RedundantPathTests
{
    private const string Topic = "md.SIM.AAPL";

    [Fact]
    public async Task A_subscriber_on_two_relays_gets_every_record_once_while_one_relay_is_killed_and_restarted()
    {
        await using var origin = new TelemetryPublisher<Tick>(new PublisherOptions { Name = "origin", Bind = ["tcp://127.0.0.1:*"] });
        await using var a = await RelayProcess.StartAsync("path-a", [origin.BoundEndpoints[0]]);
        await using var b = await RelayProcess.StartAsync("path-b", [origin.BoundEndpoints[0]]);
        await FailOverAsync(origin, a, b);
    }

    [SkippableFact]
    public async Task Two_relays_in_their_own_namespaces_carry_one_feed_with_no_hole_while_one_is_killed_and_restarted()
    {
        Skip.If(NetnsLab.Unavailable is not null, NetnsLab.Unavailable);
        using var lab = NetnsLab.Create("path-a", "path-b");
        await using var origin = new TelemetryPublisher<Tick>(new PublisherOptions { Name = "origin", Bind = [$"tcp://{lab.HubAddress}:*"] });
        await using var a = await StartInNamespaceAsync(lab, "path-a", origin.BoundEndpoints[0]);
        await using var b = await StartInNamespaceAsync(lab, "path-b", origin.BoundEndpoints[0]);
        await FailOverAsync(origin, a, b);
    }

    private static Task<RelayProcess> StartInNamespaceAsync(NetnsLab lab, string host, string upstream)
    {
        string address = lab.Address(host).ToString();
        return RelayProcess.StartAsync(host, [upstream], bind: $"tcp://{address}:5560", snapshotBind: $"tcp://{address}:5561", netns: lab.Namespace(host), metricsHost: address);
    }

    private static async Task FailOverAsync(TelemetryPublisher<Tick> origin, RelayProcess a, RelayProcess b)
    {
        var collector = new Collector<Tick>();
        await using var subscriber = collector.Attach(new TelemetrySubscriber(new SubscriberOptions { Connect = [a.Endpoint, b.Endpoint], Prefixes = [Topic], GapRepair = GapRepair.Hold }));
        await Eventually.UntilAsync(
            async () => origin.GetStats().Subscriptions == 1 && origin.GetStats().Connections == 2 && (await a.CountersAsync()).SubscriptionsHeld == 1 && (await b.CountersAsync()).SubscriptionsHeld == 1,
            20_000,
            () => $"{a.Describe()}\n{b.Describe()}");

        using var stop = new CancellationTokenSource();
        var feed = Task.Run(() => FeedAsync(origin, stop.Token));
        await Eventually.Until(() => collector.Records.Count >= 500, 20_000, "records before the kill");

        await a.KillAsync();
        int atKill = collector.Records.Count;
        await Eventually.Until(() => collector.Records.Count >= atKill + 1000, 20_000, "the other relay should carry the feed alone");
        await a.RestartAsync();
        await Eventually.UntilAsync(async () => (await a.CountersAsync()).DownRecords > 0, 20_000, a.Describe);
        int atRestart = collector.Records.Count;
        await Eventually.Until(() => collector.Records.Count >= atRestart + 500, 20_000, "records after the restart");

        await stop.CancelAsync();
        long last = await feed;
        await Eventually.UntilAsync(() => Task.FromResult(collector.Records.Count >= last), 20_000, () => Describe(collector, subscriber, last));

        Assert.Equal(Enumerable.Range(1, (int)last).Select(i => (ulong)i), collector.Records.Select(r => r.Sequence));
        Assert.Empty(collector.Gaps);
        Assert.Empty(collector.Restarts);
        Assert.True(subscriber.GetStats().DuplicateRecords > 0, "the second path's copies should have been dropped as duplicates");
    }

    private static string Describe(Collector<Tick> collector, TelemetrySubscriber subscriber, long last)
    {
        var seen = collector.Records.Select(r => r.Sequence).ToHashSet();
        var missing = Enumerable.Range(1, (int)last).Select(i => (ulong)i).Where(i => !seen.Contains(i)).Take(20);
        return $"every record should arrive: {collector.Records.Count} of {last}; missing {string.Join(",", missing)}; gaps {string.Join(",", collector.Gaps.Select(g => $"{g.FirstMissing}-{g.LastMissing}"))}; {subscriber.GetStats()}";
    }

    private static async Task<long> FeedAsync(TelemetryPublisher<Tick> origin, CancellationToken stop)
    {
        var topic = origin.Topic(Topic);
        long i = 0;
        while (!stop.IsCancellationRequested)
        {
            origin.Publish(topic, TestBatches.Tick(++i));
            await Task.Delay(1, CancellationToken.None);
        }

        await origin.FlushAsync(CancellationToken.None);
        return i;
    }
}
