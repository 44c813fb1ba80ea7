using System.Globalization;
using System.Text.Json.Nodes;

namespace Telemetry.Perf.E2e;

/// <summary>The targets of issue 14 (and the memory and isolation ones of issue 4), checked against the figures of one run.</summary>
internal static class Targets
{
    public sealed record Verdict(string Target, string Measured, bool? Met);

    public static List<Verdict> Check(IReadOnlyList<ScenarioResult> results)
    {
        ScenarioResult? Find(string name) => results.FirstOrDefault(r => r.Name == name && r.Status == "ok");
        var pubsub = Find("capacity_pubsub");
        var zmq = Find("libzmq_capacity");
        var relay = Find("capacity_relay");
        var fanout = Find("capacity_fanout4");
        var zipf = Find("zipf1000");
        var latency = Find("latency10k");
        var zmqLatency = Find("libzmq_latency10k");
        var netmqLatency = Find("netmq_latency10k");
        var stalled = Find("stalled_subscriber");
        var verdicts = new List<Verdict>
        {
            AtLeast("capacity_pubsub >= 10,000,000 records/s", Capacity(pubsub), 10_000_000),
            Ratio("capacity_pubsub >= 3x libzmq_capacity records/s", Capacity(pubsub), Capacity(zmq), 3),
            AtLeast("capacity_relay >= 8,000,000 records/s", Capacity(relay), 8_000_000),
            AtLeast("capacity_fanout4 >= 3,000,000 records/s per subscriber", Capacity(fanout), 3_000_000),
            Zipf(zipf),
            NoWorse("latency10k p50 <= libzmq_latency10k p50", latency?.P50Us, zmqLatency?.P50Us),
            NoWorse("latency10k p99 <= libzmq_latency10k p99", latency?.P99Us, zmqLatency?.P99Us),
            NoWorse("latency10k p99.9 <= libzmq_latency10k p99.9", latency?.P999Us, zmqLatency?.P999Us),
            NoWorse("latency10k p50 <= netmq_latency10k p50", latency?.P50Us, netmqLatency?.P50Us),
            NoWorse("latency10k p99 <= netmq_latency10k p99", latency?.P99Us, netmqLatency?.P99Us),
            NoWorse("latency10k p99.9 <= netmq_latency10k p99.9", latency?.P999Us, netmqLatency?.P999Us),
            AtMost("publisher peak RSS <= 400 MB at 1,000,000 records/s with the default window (zipf1000)", PeakRss(zipf, "publisher"), 400),
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

    /// <summary>A capacity row's lossless rate per subscriber.</summary>
    private static double? Capacity(ScenarioResult? result) => Number(result, "capacity_records_per_s_per_subscriber");

    private static Verdict NoWorse(string target, double? ours, double? theirs) =>
        ours is { } a && theirs is { } b
            ? new Verdict(target, Invariant($"{a:#,0.#} vs {b:#,0.#} µs"), a <= b)
            : new Verdict(target, "not measured", null);

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
