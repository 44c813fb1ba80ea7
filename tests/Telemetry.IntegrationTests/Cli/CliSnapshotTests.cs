using System.Text.Json;
using Telemetry.Tests.Infrastructure;

namespace Telemetry.Tests.Cli;

[Collection(CliProcesses.Name)]
public class CliSnapshotTests
{
    [Fact]
    public async Task Sub_with_snapshot_prints_the_current_price_of_every_symbol_before_any_new_tick()
    {
        // A quiet feed: every symbol ticks a known number of times and then nothing more, so whatever
        // `telemetry sub --snapshot` prints can only have come from the snapshot. (A live feed would
        // make the assertions a race between the snapshot and the next ticks.)
        int port = FreePort.Next();
        string endpoint = $"tcp://127.0.0.1:{port}";
        await using var publisher = new TelemetryPublisher<Tick>(new PublisherOptions { Bind = [endpoint], SnapshotBind = [$"tcp://127.0.0.1:{port + 1}"] });
        var symbols = new[] { "AAPL", "MSFT", "NVDA", "AMZN", "GOOG" };
        for (int i = 0; i < symbols.Length; i++)
        {
            for (int n = 1; n <= i + 1; n++)
            {
                publisher.Publish($"md.SIM.{symbols[i]}", new Tick(n, (100 * i) + n, 0, 0, 1, 2, 0, TickFlags.Trade));
            }
        }

        // Flushed means sent, and the snapshot service's last values are written in the same round.
        await publisher.FlushAsync();

        await using var sub = ChildProcess.StartDotnet(RepoPaths.Program("cli", "telemetry"), "sub", "--connect", endpoint, "--prefix", "md.SIM.", "--snapshot", "--json", "--count", "5");
        Assert.Equal(0, await sub.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        var lines = sub.StdoutLines.Select(l => JsonDocument.Parse(l).RootElement).ToList();

        // One record per symbol, its latest: symbol i ticked i + 1 times.
        Assert.Equal(5, lines.Count);
        var bySymbol = lines.ToDictionary(l => l.GetProperty("topic").GetString()!, l => l.GetProperty("seq").GetUInt64());
        Assert.Equal(symbols.Select((s, i) => ($"md.SIM.{s}", (ulong)(i + 1))).OrderBy(p => p.Item1), bySymbol.Select(p => (p.Key, p.Value)).OrderBy(p => p.Item1));
    }
}
