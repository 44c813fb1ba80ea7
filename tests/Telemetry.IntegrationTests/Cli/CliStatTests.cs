using Telemetry.Tests.Infrastructure;

namespace Telemetry.Tests.Cli;

[Collection(CliProcesses.Name)]
public class CliStatTests
{
    [Fact]
    public async Task Stat_with_a_duration_prints_a_table_naming_each_topic_and_exits()
    {
        await using var publisher = new TelemetryPublisher<Tick>(new PublisherOptions { Name = "p1", Bind = ["tcp://127.0.0.1:*"] });
        await using var stat = TelemetryCli.Start("stat", "--connect", publisher.BoundEndpoints[0], "--prefix", "md.", "--duration", "2");
        await Eventually.Until(() => publisher.GetStats().Subscriptions == 1, because: "stat subscribes");

        // Publish until stat has finished, so every interval it prints has records in it.
        var topic = publisher.Topic("md.SIM.AAPL");
        long sent = 0;
        while (!stat.HasExited)
        {
            publisher.Publish(topic, new Tick(sent, 100 + sent, 99, 101, 1, 2, 0, TickFlags.Trade));
            sent++;
            await Task.Delay(5);
        }

        Assert.True(await stat.WaitForExitAsync(TelemetryCli.ExitTimeout) == 0, stat.Describe());
        var output = stat.StdoutLines.ToArray();

        // Stdout is redirected: plain tables, one per interval, no cursor movement.
        Assert.DoesNotContain(output, line => line.Contains('\e', StringComparison.Ordinal));
        Assert.True(output.Count(line => line.StartsWith("TOPIC", StringComparison.Ordinal)) == 2, stat.Describe());
        var rows = output.Where(line => line.StartsWith("md.SIM.AAPL ", StringComparison.Ordinal))
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .ToArray();

        // The first interval may end before the first record arrives; the last one cannot miss it.
        Assert.True(rows.Length >= 1, stat.Describe());
        int lastHeader = Array.FindLastIndex(output, line => line.StartsWith("TOPIC", StringComparison.Ordinal));
        Assert.StartsWith("md.SIM.AAPL ", output[lastHeader + 1], StringComparison.Ordinal);

        // Columns: topic, rec/s, total, gaps, missing, repaired, resync, confl, p50, p99, publishers.
        var last = rows[^1];
        Assert.True(long.Parse(last[2], System.Globalization.CultureInfo.InvariantCulture) > 0);
        Assert.True(long.Parse(last[2], System.Globalization.CultureInfo.InvariantCulture) <= sent);
        Assert.Equal(["0", "0", "0", "0", "0"], last[3..8]);
        Assert.Equal("1", last[10]);
    }
}
