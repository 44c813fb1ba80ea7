using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Telemetry.Perf.Soak;

/// <summary>The soak's samples and its verdict: per process, RSS after warm-up within the tolerance.</summary>
internal sealed class SoakReport(SoakSettings settings, IReadOnlyList<SoakSample> samples, string? died)
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };
    private static readonly string[] Processes = ["publisher", "relay", "subscriber"];

    public bool Flat => died is null && Verdicts.Count == Processes.Length && Verdicts.All(v => v.Flat);

    private List<Verdict> Verdicts => [.. Processes.Select(Judge).OfType<Verdict>()];

    public string ToJson() => JsonSerializer.Serialize(
        new { settings, died, flat = Flat, verdicts = Verdicts, samples },
        Json);

    public string ToMarkdown()
    {
        var md = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        md.AppendLine(inv, $"## Soak: {settings.Minutes} min at {settings.Rate:N0} records/s, {settings.Symbols} symbols, RSS every {settings.SampleSeconds} s");
        md.AppendLine();
        if (samples.Count > 1)
        {
            var (first, last) = (samples[0], samples[^1]);
            double span = last.Seconds - first.Seconds;
            md.AppendLine(inv, $"Mean rates from {first.Seconds:F0} s to {last.Seconds:F0} s: published {(last.Published - first.Published) / span:N0}/s, relayed {(last.Relayed - first.Relayed) / span:N0}/s, received {(last.Received - first.Received) / span:N0}/s; subscriber gaps {last.Gaps:N0} (missing {last.Missing:N0} records).");
            md.AppendLine();
        }

        md.AppendLine("In the samples, \"(gc C/H)\" is the GC's committed MB and its heap MB after the last collection, from the host's /metrics: RSS that grows with C while H stays put is memory the GC keeps, not live data.");
        md.AppendLine();
        md.AppendLine("Spread = max/min - 1 of every sample after warm-up (the verdict: a spike counts). Drift = median of the last three samples against the first three: a leak shows there, a passing spike does not.");
        md.AppendLine();
        md.AppendLine("| process | RSS at end of warm-up | min after | max after | last | spread | drift | flat (spread <= " + settings.Tolerance.ToString("P0", inv) + ") |");
        md.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var v in Verdicts)
        {
            md.AppendLine(inv, $"| {v.Process} | {Mb(v.Baseline)} | {Mb(v.Min)} | {Mb(v.Max)} | {Mb(v.Last)} | {v.Spread:P1} | {v.Drift:+0.0%;-0.0%} | {(v.Flat ? "yes" : "no")} |");
        }

        md.AppendLine();
        md.AppendLine("| t (s) | " + string.Join(" | ", Processes.Select(p => $"{p} RSS (MB)")) + " | published | relayed | received | gaps |");
        md.AppendLine("|---|" + string.Concat(Processes.Select(_ => "---|")) + "---|---|---|---|");
        foreach (var s in samples)
        {
            string rss = string.Join(" | ", Processes.Select(p => s.Rss.TryGetValue(p, out long b) ? (b / 1048576.0).ToString("F1", inv) + SoakRun.Gc(s, p) : "-"));
            md.AppendLine(inv, $"| {s.Seconds:F0} | {rss} | {s.Published:N0} | {s.Relayed:N0} | {s.Received:N0} | {s.Gaps:N0} |");
        }

        md.AppendLine();
        md.AppendLine(died is not null ? $"FAILED: {died}" : Flat ? "RSS stayed flat after warm-up." : "RSS did NOT stay flat after warm-up (or too few samples to judge).");
        return md.ToString();
    }

    private static string Mb(long bytes) => (bytes / 1048576.0).ToString("F1", CultureInfo.InvariantCulture) + " MB";

    private Verdict? Judge(string process)
    {
        var after = samples.Where(s => s.Seconds >= settings.WarmupSeconds && s.Rss.ContainsKey(process)).Select(s => s.Rss[process]).ToList();
        if (after.Count < 2)
        {
            return null;
        }

        long min = after.Min(), max = after.Max();
        double spread = (double)(max - min) / min;
        double drift = (double)Median(after.TakeLast(3)) / Median(after.Take(3)) - 1;
        return new Verdict(process, after[0], min, max, after[^1], spread, drift, spread <= settings.Tolerance);
    }

    private static long Median(IEnumerable<long> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }

    private sealed record Verdict(string Process, long Baseline, long Min, long Max, long Last, double Spread, double Drift, bool Flat);
}
