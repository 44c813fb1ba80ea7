using Telemetry.Tests.Infrastructure;
using Telemetry.Tests.Interop;
using Telemetry.Tests.Pgm;
using Xunit.Abstractions;

namespace Telemetry.Tests.Relay;

/// <summary>
/// A relay process under a hostile upstream (tests/interop/hostile_upstream.py, libzmq): every
/// malformed case the subscriber tests use and valid batches under topics of every size up to the
/// relay's largest message, each after a good batch. The relay must stay up, refuse and count each
/// attack, and forward every good batch in order; faults inside records (a relay reads only the
/// envelope) pass through and are counted by the subscriber below.
/// </summary>
public sealed class RelayHostileUpstreamTests(ITestOutputHelper output)
{
    // The largest valid topic (1,024 bytes) is good data on a stream of its own.
    // The relay host's default Relay:MaxMessageBytes: NetMQ refuses larger frames at the link.
    private const int RelayMaxMessageBytes = 16 << 20;

    private static readonly string EdgeTopic = ("md." + new string('e', 1024))[..1024];

    [SkippableFact]
    public async Task A_relay_under_a_hostile_tcp_upstream_stays_up_and_forwards_every_good_batch_in_order()
    {
        PythonPeer.SkipIfUnavailable();
        string upstream = FreePort.TcpEndpoint();
        await using var peer = PythonPeer.Start("hostile_upstream.py", "tcp", "--bind", upstream, "--rounds", "3", "--max-topic-bytes", $"{RelayMaxMessageBytes}");
        // The link's liveness is not under test: on a loaded 2-core machine, ~100 MB of oversized
        // topics can hold the upstream's heartbeat answers back past the relay's 3 s timeout, and the
        // relay then rightly drops and redials the link, losing the good batches sent meanwhile.
        await using var relay = await RelayProcess.StartAsync("hostile-tcp", [upstream], environment: new Dictionary<string, string> { ["Relay__HeartbeatTimeout"] = "00:01:00" });
        await using var subscriber = new TelemetrySubscriber(new SubscriberOptions { Connect = [relay.Endpoint], Prefixes = [""] });
        var collector = new Collector<Tick>();
        collector.Attach(subscriber);

        Assert.True(await peer.WaitForExitAsync(TimeSpan.FromSeconds(120)) == 0, peer.Describe());
        var done = PythonPeer.Event(peer, "done");
        int good = done.GetProperty("good").GetInt32(), edge = done.GetProperty("edge").GetInt32();
        long refused = done.GetProperty("relay_refuses").GetInt64(), recordLevel = done.GetProperty("record_level").GetInt64();
        await Eventually.Until(() => Sequences(collector, "md.OK").Count == good, 60_000, () => $"every good batch below the relay\n{relay.Describe()}");

        Assert.Equal(Enumerable.Range(1, good).Select(i => (ulong)i), Sequences(collector, "md.OK"));
        Assert.Equal(Enumerable.Range(1, edge).Select(i => (ulong)i), Sequences(collector, EdgeTopic));
        await Eventually.UntilAsync(async () => (await relay.CountersAsync()).Malformed == refused, 30_000, () => $"relay refusals, expected {refused}");
        await Eventually.Until(() => subscriber.GetStats().Malformed == recordLevel, 30_000, "record-level faults counted below the relay");
        Assert.DoesNotContain(collector.Gaps, g => g.Topic == "md.OK" || g.Topic == EdgeTopic);
        Assert.False(relay.Process!.HasExited, relay.Describe());
        output.WriteLine($"{good} good batches and {edge} on the 1,024-byte topic forwarded in order; {refused} attacks refused by the relay, {recordLevel} record-level faults counted below it");
    }

    [SkippableFact]
    public async Task A_relay_under_a_hostile_epgm_source_stays_up_and_forwards_every_good_batch_in_order()
    {
        NamespaceNetwork.SkipIfUnavailable();
        PythonPeer.SkipIfUnavailable();
        using var net = NamespaceNetwork.Create(hosts: 3);
        int port = Random.Shared.Next(20_000, 30_000);
        const int maxMessageBytes = 1 << 20;
        string relayTcp = $"tcp://{net.Address(2)}:{port + 10}";
        string metrics = $"http://127.0.0.1:{port + 20}/metrics"; // port + 11 is the relay's snapshot service

        // Over PGM the limit is on the whole message (topic and batch), so topics stop just short of it.
        await using var relay = net.Start(
            2, "env", $"Relay__MaxMessageBytes={maxMessageBytes}", "dotnet", RelayProcess.Dll,
            "--upstream", net.Endpoint(2, port), "--bind", relayTcp, "--metrics-port", $"{port + 20}", "--name", "hostile-epgm");
        await Eventually.UntilAsync(async () => await ScrapeAsync(net, metrics) is not null || relay.HasExited, 30_000, relay.Describe);
        await using var ledger = await LedgerSubscriberProcess.StartAsync("below", args => net.Start(3, "dotnet", args), relayTcp, "");
        await using var peer = net.Start(
            1, PythonPeer.Python, Path.Combine(PythonPeer.ScriptsDirectory, "hostile_upstream.py"), "epgm", "--endpoint", net.Endpoint(1, port),
            "--rounds", "2", "--max-topic-bytes", $"{maxMessageBytes - 256}", "--rate", "200000", "--start-delay", "1");

        Assert.True(await peer.WaitForExitAsync(TimeSpan.FromSeconds(120)) == 0, peer.Describe());
        var done = PythonPeer.Event(peer, "done");
        int good = done.GetProperty("good").GetInt32(), edge = done.GetProperty("edge").GetInt32();
        long refused = done.GetProperty("relay_refuses").GetInt64(), recordLevel = done.GetProperty("record_level").GetInt64();
        Ledger? report = null;
        await Eventually.UntilAsync(
            async () => (report = await ledger.ReportAsync()).Streams.Where(s => s.Topic == "md.OK").Sum(s => s.Delivered) == good,
            60_000,
            () => $"every good batch below the relay; last report: {report}\n{relay.Describe()}");

        Assert.Equal([new SequenceRange(1, (ulong)good)], report!.Stream("md.OK").Runs);
        Assert.Equal([new SequenceRange(1, (ulong)edge)], report.Stream(EdgeTopic).Runs);
        Assert.Empty(report.Stream("md.OK").Gaps);
        Assert.Empty(report.Stream(EdgeTopic).Gaps);
        PrometheusText? counters = null;
        await Eventually.UntilAsync(async () => (counters = await ScrapeAsync(net, metrics))?.Sum("telemetry_relay_malformed_total") == refused, 30_000, () => $"relay refusals, expected {refused}: {counters}");
        await Eventually.UntilAsync(async () => (report = await ledger.ReportAsync()).Malformed == recordLevel, 30_000, () => $"record-level faults below the relay: {report}");
        Assert.False(relay.HasExited, relay.Describe());
        output.WriteLine($"epgm: {good} good batches and {edge} on the 1,024-byte topic forwarded in order; {refused} attacks refused by the relay, {recordLevel} record-level faults counted below it");
    }

    private static List<ulong> Sequences(Collector<Tick> collector, string topic) =>
        [.. collector.Records.Where(r => r.Topic == topic).Select(r => r.Sequence)];

    /// <summary>The relay's /metrics from inside its namespace; null until it answers.</summary>
    private static async Task<PrometheusText?> ScrapeAsync(NamespaceNetwork net, string url)
    {
        await using var curl = net.Start(2, "curl", "-sf", "--max-time", "5", url);
        return await curl.WaitForExitAsync(TimeSpan.FromSeconds(10)) == 0 ? PrometheusText.Parse(string.Join('\n', curl.StdoutLines)) : null;
    }
}
