using System.Globalization;
using System.Text.Json.Nodes;

namespace Telemetry.Perf.E2e;

/// <summary>Issue 4's targets, checked against the figures of one run.</summary>
internal static class Targets
{
    public sealed record Verdict(string Target, string Measured, bool? Met);

    public static List<Verdict> Check(IReadOnlyList<ScenarioResult> results)
    {
        ScenarioResult? Find(string name) => results.FirstOrDefault(r => r.Name == name && r.Status == "ok");
        var pubsub = Find("pubsub");
        var zmq = Find("libzmq_pubsub");
        var nats = Find("nats_pubsub");
        var relay = Find("relay");
        var fanout = Find("fanout4");
        var zipf = Find("zipf1000");
        var latency = Find("latency10k");
        var stalled = Find("stalled_subscriber");
        var verdicts = new List<Verdict>
        {
            AtLeast("pubsub >= 10,000,000 records/s", pubsub?.RecordsPerSecond, 10_000_000),
            Ratio("pubsub >= 6x libzmq PUB/SUB messages/s", pubsub?.RecordsPerSecond, zmq?.MessagesPerSecond, 6),
            Ratio("pubsub >= 15x NATS messages/s", pubsub?.RecordsPerSecond, nats?.MessagesPerSecond, 15),
            AtLeast("relay >= 6,000,000 records/s", relay?.RecordsPerSecond, 6_000_000),
            AtLeast("fanout4 >= 10,000,000 records/s delivered in total", fanout?.RecordsPerSecond, 10_000_000),
            Zipf(zipf),
            AtMost("latency10k p50 <= 50 us", latency?.P50Us, 50),
            AtMost("latency10k p99 <= 500 us", latency?.P99Us, 500),
            AtMost("latency10k p99.9 <= 2,000 us", latency?.P999Us, 2000),
            AtMost("publisher peak RSS <= 200 MB at 1,000,000 records/s (zipf1000)", PeakRss(zipf, "publisher"), 200),
            // Against the offered rate, not the rate before the stall: before it, the others may still be
            // draining what queued while the processes started, which inflates "before".
            AtLeast("stalled subscriber costs the others <= 10% (their rate after the stall / offered >= 0.9)", Number(stalled, "others_after_vs_offered"), 0.9),
        };
        return verdicts;
    }

    private static Verdict Zipf(ScenarioResult? zipf)
    {
        const string target = "zipf1000 sustains 1,000,000 records/s with no loss";
        if (zipf?.RecordsPerSecond is not { } rate)
        {
            return new Verdict(target, "not measured", null);
        }

        // 1% slack: the window's edges cut batches in two.
        bool met = rate >= 990_000 && zipf.Missing == 0;
        return new Verdict(target, Invariant($"{rate:N0} records/s, {zipf.Missing:N0} missing"), met);
    }

    private static Verdict AtLeast(string target, double? value, double bound) =>
        value is { } v ? new Verdict(target, Invariant($"{v:N3}").TrimEnd('0').TrimEnd('.'), v >= bound) : new Verdict(target, "not measured", null);

    private static Verdict AtMost(string target, double? value, double bound) =>
        value is { } v ? new Verdict(target, Invariant($"{v:#,0.####}"), v <= bound) : new Verdict(target, "not measured", null);

    private static Verdict Ratio(string target, double? ours, double? theirs, double bound) =>
        ours is { } a && theirs is { } b && b > 0
            ? new Verdict(target, Invariant($"{a / b:F1}x ({a:N0} vs {b:N0})"), a / b >= bound)
            : new Verdict(target, "not measured", null);

    private static double? PeakRss(ScenarioResult? result, string role) =>
        result?.Processes.FirstOrDefault(p => p["role"]?.GetValue<string>() == role)?["peak_rss_mb"] is JsonValue v && v.TryGetValue(out double mb) ? mb : null;

    private static double? Number(ScenarioResult? result, string key) =>
        result?.Extra[key] is JsonValue v && v.TryGetValue(out double number) ? number : null;

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
