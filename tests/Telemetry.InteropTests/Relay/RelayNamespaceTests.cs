using Telemetry.Tests.Infrastructure;
using Telemetry.Tests.Interop;
using Xunit.Abstractions;

namespace Telemetry.Tests.Relay;

/// <summary>
/// The tree as separate hosts: origin (the publisher host), regional relay, local relay and a libzmq
/// subscriber each in its own network namespace. Every link runs through a proxy in the test's
/// namespace on the bridge; the origin -> regional link is a WAN of 75 ms each way. Root only.
/// </summary>
public class RelayNamespaceTests(ITestOutputHelper output)
{
    // Batches the origin may count after its XPUB dropped the last subscription (see below).
    private const long UnsubscribeRace = 4;

    private const int Records = 1500;
    private static readonly TimeSpan WanOneWay = TimeSpan.FromMilliseconds(75);
    private static readonly string[] Watched = ["md.SIM.AAPL", "md.SIM.MSFT"];

    [SkippableFact]
    public async Task Across_namespaces_and_a_150_ms_wan_link_every_record_arrives_once_and_only_subscribed_topics_cross()
    {
        Skip.If(NetnsLab.Unavailable is not null, NetnsLab.Unavailable);
        PythonPeer.SkipIfUnavailable();
        using var lab = NetnsLab.Create("origin", "regional", "local", "subscriber");
        string Host(string name) => lab.Address(name).ToString();

        string originEndpoint = $"tcp://{Host("origin")}:5556";
        string originMetrics = $"http://{Host("origin")}:9101/metrics";
        await using var origin = lab.Start(
            "origin", "dotnet", RepoPaths.Program("publisher", "Telemetry.Publisher"),
            "--bind", originEndpoint, "--symbols", "5", "--rate", "2000", "--metrics-port", "9101", "--name", "origin");
        await Eventually.UntilAsync(() => AnswersAsync(originMetrics), 30_000, origin.Describe);
        await using var wan = TcpProxy.To(originEndpoint, WanOneWay, lab.HubAddress);
        await using var regional = await RelayProcess.StartAsync(
            "regional", [wan.Endpoint], bind: $"tcp://{Host("regional")}:5560", snapshotBind: $"tcp://{Host("regional")}:5561",
            upstreamSnapshot: [$"tcp://{Host("origin")}:5557"], netns: lab.Namespace("regional"), metricsHost: Host("regional"));
        await using var lan = TcpProxy.To(regional.Endpoint, listenAddress: lab.HubAddress);
        await using var local = await RelayProcess.StartAsync(
            "local", [lan.Endpoint], bind: $"tcp://{Host("local")}:5560", snapshotBind: $"tcp://{Host("local")}:5561",
            upstreamSnapshot: [regional.SnapshotEndpoint], netns: lab.Namespace("local"), metricsHost: Host("local"));
        await using var access = TcpProxy.To(local.Endpoint, listenAddress: lab.HubAddress);

        // The origin numbers records from its start, wanted or not: the checker takes each stream's first
        // batch as its baseline and from there must see every sequence number once, in order.
        var prefixArgs = Watched.SelectMany(p => new[] { "--prefix", p });
        await using var checker = lab.Start(
            "subscriber", PythonPeer.Python,
            [Path.Combine(PythonPeer.ScriptsDirectory, "check_subscriber.py"), "--connect", access.Endpoint, .. prefixArgs, "--records", $"{Records}", "--timeout", "50"]);
        var summary = await CheckerSummary.WaitForAsync(checker, origin);
        Assert.Equal(Watched, summary.Streams.Select(s => s.GetProperty("topic").GetString()));
        Assert.All(summary.Streams, s => Assert.Equal("origin", s.GetProperty("publisher").GetString()));
        Assert.Equal(0, summary.Restarts);

        // The checker has gone: its unsubscriptions travel up and the origin stops sending. Once the
        // counts stand still, the regional relay took in what the origin sent, except batches the
        // origin's sender encoded after its XPUB had already dropped the last subscription (the sender
        // learns of it on its next turn; NetMQ drops such a batch without a trace, and it never
        // reaches the wire): a round or two, a batch per watched topic each (UnsubscribeRace).
        PrometheusText sent = null!;
        RelayCounters r = default, l = default;
        long localBefore = -1;
        await Eventually.UntilAsync(
            async () =>
            {
                localBefore = l.UpMessages;
                (sent, r, l) = (await PrometheusText.ScrapeAsync(originMetrics), await regional.CountersAsync(), await local.CountersAsync());
                return (r.SubscriptionsHeld, l.SubscriptionsHeld, sent.Get("telemetry_publisher_subscriptions")) == (0, 0, 0)
                    && sent.Get("telemetry_publisher_batches_total") - r.UpMessages is >= 0 and <= UnsubscribeRace && l.UpMessages == localBefore;
            },
            30_000,
            () => $"origin:\n{sent}\nregional: {r}\nlocal: {l}\n{regional.Describe()}\n{local.Describe()}");

        long batchCount = sent.Get("telemetry_publisher_batches_total"), recordCount = sent.Get("telemetry_publisher_records_total"), batchBytes = sent.Get("telemetry_publisher_bytes_total");
        Assert.InRange(r.UpMessages, batchCount - UnsubscribeRace, batchCount);
        Assert.InRange(r.UpRecords, recordCount - (UnsubscribeRace * 1024), recordCount);
        Assert.Equal((r.UpMessages, r.UpRecords, r.UpBytes), (r.DownMessages, r.DownRecords, r.DownBytes));
        Assert.True(recordCount >= Records, $"the origin sent {recordCount} records");
        Assert.True(sent.Get("telemetry_publisher_dropped_total", "reason", "unsubscribed") > 0, "the three unwatched symbols are published and never sent");

        // The local relay took in what the regional relay passed on while it was still subscribed:
        // batches the regional relay received after the unsubscription reached its XPUB and no peer
        // (the relay still counts them as sent downstream).
        Assert.Equal((l.UpMessages, l.UpRecords, l.UpBytes), (l.DownMessages, l.DownRecords, l.DownBytes));
        Assert.InRange(l.UpMessages, 1, r.DownMessages);
        Assert.InRange(l.UpRecords, summary.Records, r.DownRecords);
        foreach (var c in new[] { r, l })
        {
            Assert.Equal((2L, 2L, 0L), (c.SubscriptionsForwarded, c.UnsubscriptionsForwarded, c.Malformed));
        }

        // On each upstream link: the batch bodies plus ZMTP framing (a topic frame of 11 bytes and a
        // body frame per batch, 2 or 9 bytes of frame header each) plus greeting, handshake and heartbeats.
        AssertBatchBytes(wan, r.UpMessages, r.UpBytes);
        AssertBatchBytes(lan, l.UpMessages, l.UpBytes);
        Assert.Equal((1L, 1L), (wan.Accepted, lan.Accepted));

        // Printed, not asserted: a duration measured on a shared machine is no test. That the proxy
        // holds each direction for its delay is shown exactly, on virtual time, in TcpProxyTests.
        var wanRoundTrip = await ZmtpProbe.RoundTripAsync(wan.ListenEndPoint);
        var lanRoundTrip = await ZmtpProbe.RoundTripAsync(lan.ListenEndPoint);
        output.WriteLine(
            $"namespaces {lab.Namespace("origin")}..; {summary.Records} records checked; origin sent {batchCount} batches, {recordCount} records, {batchBytes} B; local relay took in {l.UpMessages} batches; " +
            $"WAN link {wan.BytesToClient} B down / {wan.BytesToTarget} B up, LAN link {lan.BytesToClient} B / {lan.BytesToTarget} B; " +
            $"round trip through the WAN link {wanRoundTrip.TotalMilliseconds:F1} ms, through the LAN link {lanRoundTrip.TotalMilliseconds:F1} ms");
    }

    private static async Task<bool> AnswersAsync(string url)
    {
        try
        {
            await PrometheusText.ScrapeAsync(url);
            return true;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    private static void AssertBatchBytes(TcpProxy link, long batches, long bodyBytes) =>
        Assert.InRange(link.BytesToClient, bodyBytes + batches * (2 + 11 + 2) + ZmtpBytes.Greeting, bodyBytes + batches * (2 + 11 + 9) + 4096);
}
