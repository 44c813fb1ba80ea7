using System.Text.Json;
using MessagePack;
using Telemetry.Tests.Infrastructure;

namespace Telemetry.Tests.Cli;

/// <summary><c>sub</c> against publishers of the SDK in the test process.</summary>
[Collection(CliProcesses.Name)]
public class CliSubTests
{
    [Fact]
    public async Task Sub_prints_one_human_line_per_record()
    {
        await using var publisher = new TelemetryPublisher<Tick>(new PublisherOptions { Name = "p1", Bind = ["tcp://127.0.0.1:*"] });
        await using var sub = TelemetryCli.Start("sub", "--connect", publisher.BoundEndpoints[0], "--prefix", "md.", "--count", "2");
        await Eventually.Until(() => publisher.GetStats().Subscriptions == 1, because: "sub subscribes");

        publisher.Publish("md.SIM.AAPL", Tick.FromDecimal(1, 101.25m, 101.24m, 101.26m, 100m, TickFlags.None));
        publisher.Publish("md.SIM.AAPL", Tick.FromDecimal(2, 99.5m, 99.25m, 99.75m, 0.5m, TickFlags.Trade | TickFlags.Snapshot));

        Assert.True(await sub.WaitForExitAsync(TelemetryCli.ExitTimeout) == 0, sub.Describe());
        Assert.Equal(
            [
                "md.SIM.AAPL #1 tick price=101.25 bid=101.24 ask=101.26 size=100",
                "md.SIM.AAPL #2 tick price=99.50 bid=99.25 ask=99.75 size=0.5 flags=Trade|Snapshot",
            ],
            sub.StdoutLines);
    }

    [Fact]
    public async Task A_hostile_record_of_an_unknown_kind_is_shown_as_an_error_and_the_stream_goes_on()
    {
        await using var publisher = new TelemetryPublisher<RawRecord>(new PublisherOptions { Name = "evil", Bind = ["tcp://127.0.0.1:*"] });
        await using var sub = TelemetryCli.Start("sub", "--connect", publisher.BoundEndpoints[0], "--json", "--count", "3");
        await Eventually.Until(() => publisher.GetStats().Subscriptions == 1, because: "sub subscribes");

        // 100,000 nested arrays: a recursive decoder without a depth limit would overflow its stack.
        var nested = new byte[100_001];
        nested.AsSpan(0, 100_000).Fill(0x91);
        nested[^1] = 0xc0;
        var topic = publisher.Topic("x.note", "note");
        publisher.Publish(topic, new RawRecord(nested));
        await publisher.FlushAsync();
        byte[] nan = [0xcb, 0x7f, 0xf8, 0, 0, 0, 0, 0, 0]; // a float64 NaN, which JSON cannot hold
        publisher.Publish(topic, new RawRecord(nan));
        await publisher.FlushAsync();
        publisher.Publish(topic, new RawRecord(MessagePackSerializer.Serialize(new Dictionary<string, object> { ["ok"] = 1 })));

        Assert.True(await sub.WaitForExitAsync(TelemetryCli.ExitTimeout) == 0, sub.Describe());
        var lines = TelemetryCli.JsonLines(sub.StdoutLines);
        Assert.Equal(["1", "2", "3"], lines.Select(l => l.Raw("seq")));
        Assert.Equal(JsonValueKind.Null, lines[0].GetProperty("record").ValueKind);
        Assert.Contains("undecodable", lines[0].GetProperty("record_error").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, lines[1].GetProperty("record").ValueKind);
        Assert.Equal(Convert.ToBase64String(nan), lines[1].GetProperty("record_msgpack_base64").GetString());
        Assert.Equal("""{"ok":1}""", lines[2].Raw("record"));
        Assert.Contains(sub.StderrLines, l => l.StartsWith("malformed topic=x.note publisher=evil", StringComparison.Ordinal));
    }
}
