using System.Text.Json.Nodes;

namespace Telemetry.Perf.E2e;

/// <summary>Folds the subscribers' result lines into a scenario's figures.</summary>
internal static class Aggregate
{
    /// <summary>
    /// Rates add up over subscribers (fan-out counts what was delivered in total); latency
    /// percentiles are the worst subscriber's, since the histograms stay in their processes.
    /// </summary>
    public static void Subscribers(ScenarioResult result, IReadOnlyList<JsonObject> lines)
    {
        double records = lines.Sum(l => Number(l, "records_per_s") ?? 0);
        double messages = lines.Sum(l => Number(l, "msgs_per_s") ?? 0);
        result.RecordsPerSecond = Math.Round(records);
        result.MessagesPerSecond = Math.Round(messages);
        result.MeanBatch = messages > 0 ? Math.Round(records / messages, 1) : null;
        result.P50Us = Worst(lines, "p50_us");
        result.P99Us = Worst(lines, "p99_us");
        result.P999Us = Worst(lines, "p999_us");
        result.MaxUs = Worst(lines, "max_us");
        result.CoordinatedOmissionCorrected = lines.Any(l => l["co_corrected"]?.GetValue<bool>() == true);
        result.Gaps = lines.Sum(l => (long)(Number(l, "gaps") ?? 0));
        result.Missing = lines.Sum(l => (long)(Number(l, "missing") ?? 0));
        if (lines.Count > 1)
        {
            result.Extra["records_per_s_per_subscriber"] = new JsonArray([.. lines.Select(l => (JsonNode?)JsonValue.Create(Number(l, "records_per_s")))]);
        }

        if (lines.Select(l => Number(l, "bytes_per_record")).OfType<double>().ToList() is { Count: > 0 } allocations)
        {
            result.Extra["sub_bytes_per_record"] = allocations.Max();
        }

        // The latency split at the batch's send time (paced latency rows): where the microseconds go.
        foreach (var key in lines.Count == 1 ? lines[0].Select(p => p.Key).Where(k => k.StartsWith("caller_to_send_", StringComparison.Ordinal) || k.StartsWith("send_to_app_", StringComparison.Ordinal)).ToList() : [])
        {
            result.Extra[key] = Number(lines[0], key);
        }

        if (lines.Count == 1 && Number(lines[0], "batch_p50") is { } p50)
        {
            result.Extra["batch_p50"] = p50;
            result.Extra["batch_p99"] = Number(lines[0], "batch_p99");
            result.Extra["batch_max"] = Number(lines[0], "batch_max");
        }
    }

    public static double? Number(JsonObject line, string key) =>
        line[key] is JsonValue value && value.TryGetValue(out double number) ? number : null;

    private static double? Worst(IReadOnlyList<JsonObject> lines, string key)
    {
        var values = lines.Select(l => Number(l, key)).OfType<double>().ToList();
        return values.Count > 0 ? values.Max() : null;
    }
}
