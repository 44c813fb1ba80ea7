using System.Text.Json.Nodes;

namespace Telemetry.Perf.E2e;

/// <summary>The figures of one scenario, as they go into results.json and the markdown table.</summary>
internal sealed class ScenarioResult(string name, string description)
{
    public string Name => name;

    /// <summary>What the row measured; a capacity search gives its best probe's row the search's description.</summary>
    public string Description { get; set; } = description;

    /// <summary><c>ok</c>, <c>skipped</c> (a peer is not available here) or <c>failed</c>.</summary>
    public string Status { get; set; } = "ok";

    public string? Reason { get; set; }

    public double? RecordsPerSecond { get; set; }

    public double? MessagesPerSecond { get; set; }

    public double? MeanBatch { get; set; }

    public double? P50Us { get; set; }

    public double? P99Us { get; set; }

    public double? P999Us { get; set; }

    public double? MaxUs { get; set; }

    public bool CoordinatedOmissionCorrected { get; set; }

    public long Gaps { get; set; }

    public long Missing { get; set; }

    public List<JsonObject> Processes { get; } = [];

    public List<string> Commands { get; } = [];

    /// <summary>Scenario-specific figures (batch size percentiles, the stall ratio, per-subscriber rates).</summary>
    public JsonObject Extra { get; } = [];

    public static ScenarioResult Skipped(string name, string description, string reason) =>
        new(name, description) { Status = "skipped", Reason = reason };

    public JsonObject ToJson()
    {
        var json = new JsonObject
        {
            ["name"] = name,
            ["description"] = Description,
            ["status"] = Status,
            ["reason"] = Reason,
            ["records_per_s"] = RecordsPerSecond,
            ["msgs_per_s"] = MessagesPerSecond,
            ["mean_batch"] = MeanBatch,
            ["p50_us"] = P50Us,
            ["p99_us"] = P99Us,
            ["p999_us"] = P999Us,
            ["max_us"] = MaxUs,
            ["co_corrected"] = CoordinatedOmissionCorrected,
            ["gaps"] = Gaps,
            ["missing"] = Missing,
            ["processes"] = new JsonArray([.. Processes.Select(p => (JsonNode)p.DeepClone())]),
            ["commands"] = new JsonArray([.. Commands.Select(c => (JsonNode?)JsonValue.Create(c))]),
        };
        foreach (var (key, value) in Extra)
        {
            json[key] = value?.DeepClone();
        }

        return json;
    }
}
