using System.Globalization;
using System.Numerics;
using System.Text.Json;
using Telemetry.Tests.Infrastructure;

namespace Telemetry.Tests.Interop;

/// <summary>The JSON summary tests/interop/check_subscriber.py prints, with the assertions the tests share.</summary>
internal sealed class CheckerSummary(JsonElement root, string describe)
{
    public JsonElement Root { get; } = root;

    public IReadOnlyList<JsonElement> Streams => [.. Root.GetProperty("streams").EnumerateArray()];

    public static async Task<CheckerSummary> WaitForAsync(ChildProcess checker, ChildProcess? publisherProcess = null)
    {
        int exit = await checker.WaitForExitAsync(PeerWait.ExitTimeout);
        string describe = $"checker:\n{checker.Describe()}" + (publisherProcess is null ? "" : $"\npublisher:\n{publisherProcess.Describe()}");
        var line = checker.StdoutLines.LastOrDefault(l => l.StartsWith('{'));
        Assert.True(line is not null, $"The checker printed no summary (exit {exit}).\n{describe}");
        var summary = new CheckerSummary(JsonDocument.Parse(line).RootElement.Clone(), describe);
        Assert.True(exit == 0 && summary.Root.GetProperty("ok").GetBoolean(), $"The checker failed (exit {exit}).\n{describe}");
        Assert.Equal(0, summary.Root.GetProperty("error_count").GetInt32());
        return summary;
    }

    public long Records => Root.GetProperty("records").GetInt64();

    public int Restarts => Root.GetProperty("restarts").GetInt32();

    public override string ToString() => describe;

    /// <summary>A tick as the checker reports it: the raw JSON numbers of its eight fields.</summary>
    public static string[] Fields(JsonElement record) => [.. record.EnumerateArray().Take(8).Select(f => f.GetRawText())];

    public static string[] Fields(Tick t) =>
        [.. new BigInteger[] { t.ExchangeTimeNs, t.Price, t.Bid, t.Ask, t.Size, t.PriceScale, t.SizeScale, (uint)t.Flags }.Select(v => v.ToString(CultureInfo.InvariantCulture))];

    /// <summary>Exact sums of exchange_ts_ns, price, bid, ask and size (Python integers do not overflow).</summary>
    public static BigInteger[] Sums(JsonElement stream) =>
        [.. stream.GetProperty("sums").EnumerateArray().Select(v => BigInteger.Parse(v.GetRawText(), CultureInfo.InvariantCulture))];

    public static BigInteger[] Sums(IEnumerable<Tick> ticks) =>
        ticks.Aggregate(new BigInteger[5], (s, t) => [s[0] + t.ExchangeTimeNs, s[1] + t.Price, s[2] + t.Bid, s[3] + t.Ask, s[4] + t.Size]);
}
