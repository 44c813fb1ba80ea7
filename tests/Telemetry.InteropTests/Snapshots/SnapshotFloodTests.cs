using Telemetry.Tests.Infrastructure;
using Telemetry.Tests.Interop;
using Xunit.Abstractions;

namespace Telemetry.Tests.Snapshots;

/// <summary>
/// Snapshot requests that never send their barrier subscription (tests/interop/snapshot_flood.py,
/// two libzmq DEALERs as fast as the service takes them) against a publisher host and against a
/// relay, while a subscriber watches the live stream. The data must keep flowing without a gap,
/// the requests waiting must stay within the per-peer bound, every request must be accounted for
/// (answered, refused, malformed, expired or still waiting), a late joiner must still get its
/// snapshot, and the flooded process's memory must stay bounded.
/// </summary>
public sealed class SnapshotFloodTests(ITestOutputHelper output)
{
    private const int Dealers = 2;
    private const int PerPeerBound = 16; // SnapshotIntake.DefaultMaxPerPeer
    private const long MemoryBound = 64L << 20;

    [SkippableFact]
    public async Task A_flood_of_barrierless_snapshot_requests_leaves_a_publisher_hosts_stream_whole_and_its_memory_bounded()
    {
        PythonPeer.SkipIfUnavailable();
        string data = FreePort.TcpEndpoint();
        string metrics = $"http://127.0.0.1:{FreePort.Next()}/metrics";
        await using var host = await StartPublisherHostAsync(data, metrics);
        await FloodAsync(host, data, Telemetry.Wire.SnapshotProtocol.DeriveEndpoint(data)!, metrics, "publisher");
    }

    [SkippableFact]
    public async Task A_flood_of_barrierless_snapshot_requests_leaves_a_relays_stream_whole_and_its_memory_bounded()
    {
        PythonPeer.SkipIfUnavailable();
        string data = FreePort.TcpEndpoint();
        await using var host = await StartPublisherHostAsync(data, $"http://127.0.0.1:{FreePort.Next()}/metrics");
        await using var relay = await RelayProcess.StartAsync("flooded", [data]);
        await FloodAsync(relay.Process!, relay.Endpoint, relay.SnapshotEndpoint, relay.MetricsUrl, "relay");
    }

    private static async Task<ChildProcess> StartPublisherHostAsync(string data, string metrics)
    {
        // A deep send queue: what is under test is whether the flood holds up the sender, not how
        // many small batches a subscriber's queue can take while a busy machine deschedules it.
        var process = ChildProcess.Start(
            "dotnet",
            [RepoPaths.Program("publisher", "Telemetry.Publisher"), "--bind", data, "--symbols", "20", "--rate", "20000", "--metrics-port", new Uri(metrics).Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--name", "flood-feed"],
            new Dictionary<string, string> { ["Telemetry__Publisher__SendHighWatermark"] = "100000" });
        await Eventually.UntilAsync(async () => await TryScrapeAsync(metrics) is not null || process.HasExited, 30_000, process.Describe);
        Assert.False(process.HasExited, process.Describe());
        return process;
    }

    private async Task FloodAsync(ChildProcess flooded, string data, string snapshots, string metrics, string node)
    {
        await using var subscriber = new TelemetrySubscriber(new SubscriberOptions { Connect = [data], Prefixes = ["md."], ReceiveHighWatermark = 100_000 });
        var collector = new Collector<Tick>();
        collector.Attach(subscriber);
        await Eventually.Until(() => collector.Records.Count > 1000, 30_000, "the live stream before the flood");
        long rssBefore = ProcessMemory.Rss(flooded.Id) ?? 0;

        await using var flood = PythonPeer.Start("snapshot_flood.py", "--connect", snapshots, "--dealers", $"{Dealers}", "--seconds", "5");
        await Eventually.Until(() => flood.StdoutLines.Any(l => l.Contains("flooding", StringComparison.Ordinal)) || flood.HasExited, 30_000, flood.Describe());

        // A late joiner in the middle of the flood: its own connection has its own share of the bound.
        await using var lateJoiner = new TelemetrySubscriber(new SubscriberOptions { Connect = [data], Prefixes = ["md."], Snapshot = true, SnapshotEndpoints = [snapshots] });
        lateJoiner.Start((in RecordBatch _) => { });

        // The stream goes on while the flood lasts: records arrive in every window, and the requests
        // held never exceed what two peers may hold.
        var progress = new List<long>();
        long maxPending = 0, maxRss = rssBefore;
        while (!flood.HasExited)
        {
            long before = collector.Records.Count;
            await Task.Delay(2000);
            progress.Add(collector.Records.Count - before);
            if (await TryScrapeAsync(metrics) is { } m)
            {
                maxPending = Math.Max(maxPending, m.Get($"telemetry_{node}_snapshot_requests_pending"));
            }

            maxRss = Math.Max(maxRss, ProcessMemory.Rss(flooded.Id) ?? 0);
        }

        Assert.Equal(0, await flood.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        var done = PythonPeer.Event(flood, "done");
        long sent = done.GetProperty("sent").GetInt64(), malformed = done.GetProperty("malformed").GetInt64();
        PrometheusText? counters = null;
        long Outcome(string outcome) => counters!.Get($"telemetry_{node}_snapshot_requests_total", "outcome", outcome);

        // Every request the flood handed to ZeroMQ is read and accounted for exactly once.
        await Eventually.UntilAsync(
            async () => (counters = await TryScrapeAsync(metrics)) is not null
                && Outcome("received") == sent + 1
                && Outcome("received") == Outcome("answered") + Outcome("malformed") + Outcome("refused_busy") + Outcome("expired") + counters.Get($"telemetry_{node}_snapshot_requests_pending"),
            30_000,
            () => $"accounting of {sent} flood requests and the late joiner's one: {counters}");
        await Eventually.Until(() => lateJoiner.GetStats().Snapshots == 1, 30_000, "the late joiner's snapshot, during the flood");

        Assert.Equal(malformed, Outcome("malformed"));
        Assert.True(Outcome("refused_busy") > 0, $"the flood must have met the bound: {counters}");
        Assert.InRange(maxPending, 0, (Dealers + 1) * PerPeerBound);
        Assert.All(progress, p => Assert.True(p > 0, $"records per 2 s window during the flood: {string.Join(", ", progress)}"));
        Assert.Empty(collector.Gaps);
        Assert.Equal(0, subscriber.GetStats().Gaps);
        Assert.True(maxRss - rssBefore < MemoryBound, $"the {node}'s RSS grew {(maxRss - rssBefore) >> 20} MiB under the flood");
        Assert.False(flooded.HasExited, flooded.Describe());
        output.WriteLine(
            $"{node}: {sent} flood requests ({malformed} malformed) in 5 s; refused {Outcome("refused_busy")}, expired {Outcome("expired")}, at most {maxPending} waiting; " +
            $"records per 2 s during the flood: {string.Join(", ", progress)}; RSS {rssBefore >> 20} -> at most {maxRss >> 20} MiB; the late joiner got its snapshot");
    }

    private static async Task<PrometheusText?> TryScrapeAsync(string url)
    {
        try
        {
            return await PrometheusText.ScrapeAsync(url);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }
}
