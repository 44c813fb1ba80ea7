using Telemetry.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Telemetry.Tests.Chaos;

/// <summary>
/// One subscriber process frozen with SIGSTOP for 5 s (twice) while two others run: ZeroMQ drops for the
/// frozen one only (its queue at the publisher fills), it learns exactly what it missed, the others
/// miss nothing, and the publisher's and relay's memory stays bounded. Root only.
/// </summary>
[Collection(ChaosProcesses.Name)]
public class StalledSubscriberTests(ITestOutputHelper output)
{
    private const int Rate = 100_000;
    private const long MemoryCeiling = 400L << 20;
    private static readonly TimeSpan Stall = TimeSpan.FromSeconds(5);
    private static readonly string[] Topics = ["md.SIM.AAPL", "md.SIM.MSFT", "md.SIM.NVDA", "md.SIM.AMZN", "md.SIM.GOOG"];

    [SkippableFact]
    public async Task A_subscriber_stopped_for_5_s_gets_an_exact_gap_while_the_others_get_every_record_and_memory_stays_bounded()
    {
        Skip.If(NetnsLab.Unavailable is not null, NetnsLab.Unavailable);
        using var lab = NetnsLab.Create("origin", "regional", "edge", "stalled");

        // The frozen subscriber's kernel receive buffer is capped at 1 MB (its namespace only), so the
        // 5 s of records it does not read overflow the publisher's high-water mark whatever the TCP
        // autotuning would have allowed: the stall must end in a loss, and the loss must be reported.
        lab.Sysctl("stalled", "net.ipv4.tcp_rmem", "4096 131072 1048576");
        string originEndpoint = $"tcp://{lab.Address("origin")}:5556";
        // Windows of 8 MiB: a window fills to its bound within seconds and then stays there; at the
        // default 256 MiB it would still be growing through both stalls and hide what a stall costs.
        await using var origin = await PublisherHostProcess.StartAsync(lab, "origin", "origin", [originEndpoint], symbols: Topics.Length, rate: Rate, "--window-bytes", $"{8 << 20}");
        string regional = lab.Address("regional").ToString();
        await using var relay = await RelayProcess.StartAsync(
            "regional", [originEndpoint], bind: $"tcp://{regional}:5560", snapshotBind: $"tcp://{regional}:5561",
            upstreamSnapshot: [$"tcp://{lab.Address("origin")}:5557"], netns: lab.Namespace("regional"), metricsHost: regional,
            environment: new Dictionary<string, string> { ["Relay__RetransmitWindowBytes"] = $"{8 << 20}" });

        // Two that keep up, one straight on the publisher (the frozen one's neighbour on the same socket)
        // and one through the relay; the frozen one on the publisher.
        await using var direct = await LedgerSubscriberProcess.StartAsync(lab, "edge", "direct", originEndpoint, "md.");
        await using var relayed = await LedgerSubscriberProcess.StartAsync(lab, "edge", "relayed", relay.Endpoint, "md.");
        // Repair off: this test is about what a stall costs and how it is reported; GapRepairTests
        // and the relay recovery tests show the same kind of loss repaired.
        await using var frozen = await LedgerSubscriberProcess.StartAsync(lab, "stalled", "frozen", originEndpoint, GapRepair.Off, "md.");
        await using var memory = new RssSampler(
            new Dictionary<string, int> { ["publisher"] = origin.Process!.Id, ["relay"] = relay.Process!.Id, ["direct"] = direct.Pid, ["frozen"] = frozen.Pid },
            TimeSpan.FromMilliseconds(250));
        await Eventually.UntilAsync(async () => (await frozen.ReportAsync()).Records >= Rate && (await relayed.ReportAsync()).Records >= Rate, 30_000, frozen.Describe);
        memory.Phase = "before";
        await Task.Delay(TimeSpan.FromSeconds(2));

        // Twice: what the first stall cost in memory must be paid again, not added to, by the second.
        var peersDuringStall = new List<long>();
        for (int stall = 1; stall <= 2; stall++)
        {
            int gapsBefore = (int)(await frozen.ReportAsync()).Gaps;
            memory.Phase = $"stalled {stall}";
            frozen.Process.Stop();
            long peers = long.MaxValue;
            for (var waited = TimeSpan.Zero; waited < Stall; waited += TimeSpan.FromMilliseconds(500))
            {
                await Task.Delay(500);
                peers = Math.Min(peers, (await origin.ScrapeAsync()).Get("telemetry_publisher_subscribers"));
            }

            frozen.Process.Continue();
            memory.Phase = $"after {stall}";
            peersDuringStall.Add(peers);

            // The frozen one catches up: it reads what its socket kept, learns of the gap, and goes on.
            await Eventually.UntilAsync(async () => (await frozen.ReportAsync()).Gaps >= gapsBefore + Topics.Length, 30_000, frozen.Describe);
            var resumed = await frozen.ReportAsync();
            await Eventually.UntilAsync(async () => (await frozen.ReportAsync()).Records >= resumed.Records + Rate, 30_000, frozen.Describe);
            await Task.Delay(TimeSpan.FromSeconds(2));
        }

        // The frozen one's report first; then the others' once they have got at least as far (each
        // process runs at its own pace, so the frozen one can be a batch ahead when it is asked).
        var stalledLedger = await frozen.ReportAsync();
        Ledger directLedger = null!, relayedLedger = null!;
        await Eventually.UntilAsync(
            async () =>
            {
                (directLedger, relayedLedger) = (await direct.ReportAsync(), await relayed.ReportAsync());
                return stalledLedger.Streams.All(f => new[] { directLedger, relayedLedger }.All(l => l.Streams.Any(s => s.Topic == f.Topic && s.Runs[^1].Last >= f.Runs[^1].Last)));
            },
            30_000,
            () => $"{direct.Describe()}\n{relayed.Describe()}");
        output.WriteLine(
            $"records: frozen {stalledLedger.Records} (missing {stalledLedger.Missing} in {stalledLedger.Gaps} gaps), direct {directLedger.Records}, relayed {relayedLedger.Records}; " +
            $"publisher peers during each stall (min; 3 = the frozen one still connected) {string.Join(", ", peersDuringStall)}; gaps: " +
            string.Join(", ", stalledLedger.Streams.Select(s => $"{s.Topic} " + string.Join(" ", s.Gaps))));
        string[] phases = ["before", "stalled 1", "after 1", "stalled 2", "after 2"];
        output.WriteLine($"RSS: {memory.Summary(phases)}");

        foreach (var topic in Topics)
        {
            // The two that kept up: one session, one unbroken run, every record once.
            var d = directLedger.Stream(topic);
            var r = relayedLedger.Stream(topic);
            foreach (var s in new[] { d, r })
            {
                Assert.True(s.Runs.Count == 1 && s.Gaps.Count == 0, $"{topic}: {string.Join(" ", s.Runs)} gaps {string.Join(" ", s.Gaps)}");
            }

            // The frozen one: delivered and missing tile its range, and every record it was told it
            // missed is one its neighbour on the same publisher received.
            var f = stalledLedger.Stream(topic);
            Assert.True(f.Gaps.Count >= 2, $"{topic}: each stall should cost the frozen one records: gaps {string.Join(" ", f.Gaps)}");
            SequenceRange.AssertTile(f.Runs, f.Gaps, f.Runs[0].First, f.Runs[^1].Last, $"frozen, {topic}");
            Assert.True(d.Runs[0].First <= f.Runs[0].First && d.Runs[0].Last >= f.Runs[^1].Last, $"{topic}: direct {d.Runs[0]}, frozen {f.Runs[0].First}..{f.Runs[^1].Last}");
            Assert.All(new[] { d, r, f }, s => Assert.Equal(("origin", f.Session), (s.Publisher, s.Session)));
        }

        foreach (var ledger in new[] { directLedger, relayedLedger, stalledLedger })
        {
            Assert.Equal(Topics.Order(), ledger.Streams.Select(s => s.Topic).Order());
            Assert.Equal(ledger.Streams.Sum(s => s.Delivered), ledger.Records);
            Assert.Equal((0L, 0L, 0), (ledger.Duplicates, ledger.Malformed, ledger.Restarts));
        }

        Assert.Equal(0L, directLedger.Gaps + relayedLedger.Gaps);
        Assert.Equal(stalledLedger.Streams.Sum(s => s.Gaps.Sum(g => (long)g.Count)), stalledLedger.Missing);

        // Memory: bounded throughout; what the stall cost the publisher and the relay is bounded by the
        // high-water mark (or the dropped connection), not by the stall: a second stall adds nothing
        // beyond the first, and the publisher stays near its baseline.
        foreach (var process in new[] { "publisher", "relay", "direct", "frozen" })
        {
            Assert.True(phases.All(p => memory.Max(process, p) < MemoryCeiling), $"{process} RSS: {memory.Summary(phases)}");
        }

        foreach (var process in new[] { "publisher", "relay" })
        {
            long baseline = memory.Max(process, "before");
            long first = Math.Max(memory.Max(process, "stalled 1"), memory.Max(process, "after 1"));
            long second = Math.Max(memory.Max(process, "stalled 2"), memory.Max(process, "after 2"));
            Assert.True(second <= first + (32L << 20), $"{process}: the second stall should cost no more than the first: {memory.Summary(phases)}");
            Assert.True(memory.Min(process, "after 2") <= baseline + Math.Max(baseline / 2, 64L << 20), $"{process} RSS should stay near its baseline: {memory.Summary(phases)}");
        }
    }
}
