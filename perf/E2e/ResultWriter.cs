using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Telemetry.Perf.E2e;

/// <summary>Writes a run's figures as results.json and as the markdown table the README quotes.</summary>
internal static class ResultWriter
{
    public static JsonObject Json(RunInfo info, IReadOnlyList<ScenarioResult> results, IReadOnlyList<Targets.Verdict> verdicts) => new()
    {
        ["date_utc"] = info.StartedUtc.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
        ["machine"] = info.Machine,
        ["load_average_before"] = info.LoadBefore,
        ["load_average_after"] = info.LoadAfter,
        ["machine_busy"] = info.Loaded,
        ["quick"] = info.Quick,
        ["command"] = info.Command,
        ["scenarios"] = new JsonArray([.. results.Select(r => (JsonNode)r.ToJson())]),
        ["targets"] = new JsonArray([.. verdicts.Select(v => (JsonNode)new JsonObject { ["target"] = v.Target, ["measured"] = v.Measured, ["met"] = v.Met })]),
    };

    public static string Markdown(RunInfo info, IReadOnlyList<ScenarioResult> results, IReadOnlyList<Targets.Verdict> verdicts)
    {
        var md = new StringBuilder();
        md.AppendLine(Invariant($"Run {info.StartedUtc:yyyy-MM-dd HH:mm} UTC on {info.Machine}; load average {info.LoadBefore} before, {info.LoadAfter} after{(info.Quick ? "; --quick windows" : "")}."));
        if (info.Loaded)
        {
            md.AppendLine();
            md.AppendLine(Invariant($"**The machine was busy with other work (load average above its {Environment.ProcessorCount} cores): every figure below is pessimistic.**"));
        }
        md.AppendLine();
        md.AppendLine("| scenario | records/s | messages/s | mean batch | p50 µs | p99 µs | p99.9 µs | max µs | missing | CPU s in window (per process) | peak RSS MB (per process) |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|");
        foreach (var r in results)
        {
            if (r.Status != "ok")
            {
                md.AppendLine(Invariant($"| {r.Name} | {r.Status}: {Escape(r.Reason)} | | | | | | | | | |"));
                continue;
            }

            string cpu = string.Join(", ", r.Processes.Select(p => Invariant($"{Short(p)} {Num(p["cpu_s"], "F1")}")));
            string rss = string.Join(", ", r.Processes.Select(p => Invariant($"{Short(p)} {Num(p["peak_rss_mb"], "F0")}")));
            md.AppendLine(Invariant($"| {r.Name} | {N(r.RecordsPerSecond)} | {N(r.MessagesPerSecond)} | {F(r.MeanBatch)} | {F(r.P50Us)} | {F(r.P99Us)} | {F(r.P999Us)} | {F(r.MaxUs)} | {r.Missing:N0} | {cpu} | {rss} |"));
        }

        md.AppendLine();
        md.AppendLine("| target | measured | verdict |");
        md.AppendLine("|---|---|---|");
        foreach (var v in verdicts)
        {
            md.AppendLine($"| {v.Target} | {v.Measured} | {(v.Met switch { true => "met", false => "**missed**", null => "not measured" })} |");
        }

        md.AppendLine();
        md.AppendLine("Scenario notes:");
        md.AppendLine();
        foreach (var r in results)
        {
            string extra = string.Join(", ", r.Extra.Select(e => $"{e.Key} {e.Value?.ToJsonString()}"));
            md.AppendLine($"- `{r.Name}`: {r.Description}{(extra.Length > 0 ? "; " + extra : "")}");
        }

        return md.ToString();
    }

    public static async Task WriteAsync(string path, string text)
    {
        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null)
        {
            Directory.CreateDirectory(folder);
        }

        await File.WriteAllTextAsync(path, text);
    }

    public static string Indented(JsonObject json) => json.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

    private static string Short(JsonObject process) => process["role"]?.GetValue<string>() switch
    {
        "publisher" => "pub",
        "subscriber" => "sub",
        { } role when role.StartsWith("subscriber", StringComparison.Ordinal) => "sub" + role["subscriber".Length..].Split(' ')[0],
        { } role => role,
        null => "?",
    };

    private static string Num(JsonNode? node, string format) =>
        node is JsonValue v && v.TryGetValue(out double d) ? d.ToString(format, CultureInfo.InvariantCulture) : "-";

    private static string N(double? value) => value is { } v ? v.ToString("N0", CultureInfo.InvariantCulture) : "-";

    private static string F(double? value) => value is { } v ? v.ToString("0.#", CultureInfo.InvariantCulture) : "-";

    private static string Escape(string? text) => (text ?? string.Empty).Replace("|", "/", StringComparison.Ordinal).ReplaceLineEndings(" ");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

/// <summary>What the report says about the run as a whole.</summary>
internal sealed record RunInfo(DateTime StartedUtc, string Machine, string LoadBefore, bool Quick, string Command)
{
    public string LoadAfter { get; set; } = "unknown";

    /// <summary>True when the 1-minute load average before or after the run exceeded the core count.</summary>
    public bool Loaded => new[] { LoadBefore, LoadAfter }.Any(load =>
        double.TryParse(load.Split(' ')[0], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double oneMinute)
        && oneMinute > Environment.ProcessorCount);
}
