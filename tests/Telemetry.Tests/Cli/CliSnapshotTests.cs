using System.Text.Json;
using Telemetry.Tests.Infrastructure;

namespace Telemetry.Tests.Cli;

[Collection(CliProcesses.Name)]
public class CliSnapshotTests
{
    [Fact]
    public async Task Sub_with_snapshot_prints_the_current_price_of_every_symbol_before_any_new_tick()
    {
        string endpoint = FreePort.TcpEndpoint();
        await using var feed = ChildProcess.StartDotnet(RepoPaths.Program("publisher", "Telemetry.Publisher"), "--bind", endpoint, "--symbols", "5", "--rate", "20", "--metrics-port", "0");

        // Watch the feed until every symbol has ticked, and remember each symbol's last sequence number.
        Dictionary<string, ulong> seen;
        await using (var probe = new TelemetrySubscriber(new SubscriberOptions { Connect = [endpoint], Prefixes = ["md."] }))
        {
            var collector = new Collector<Tick>();
            collector.Attach(probe);
            await Eventually.Until(() => collector.Records.Select(r => r.Topic).Distinct().Count() == 5, 30_000, "the feed should be running");
            await probe.DisposeAsync();
            seen = collector.Records.GroupBy(r => r.Topic).ToDictionary(g => g.Key, g => g.Max(r => r.Sequence));
        }

        await using var sub = ChildProcess.StartDotnet(RepoPaths.Program("cli", "telemetry"), "sub", "--connect", endpoint, "--prefix", "md.SIM.", "--snapshot", "--json", "--count", "5");
        Assert.Equal(0, await sub.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        var lines = sub.StdoutLines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(5, lines.Count);

        // Five distinct symbols in the first five records, at once: the live stream (20 ticks/s over
        // five random symbols) could not name them all that fast. A live tick that beats the snapshot
        // to its topic replaces the snapshot record, which is then a duplicate and dropped.
        Assert.Equal(5, lines.Select(l => l.GetProperty("topic").GetString()).Distinct().Count());
        // Late join: each symbol starts at its latest record, never before what the probe already saw.
        Assert.All(lines, l => Assert.True(l.GetProperty("seq").GetUInt64() >= seen[l.GetProperty("topic").GetString()!]));
    }
}
