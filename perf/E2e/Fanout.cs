using System.Text.Json.Nodes;

namespace Telemetry.Perf.E2e;

/// <summary>The figures of a fan-out row: one process holding many subscriber connections behind a relay.</summary>
internal static class Fanout
{
    /// <summary>Total and slowest-subscriber rates, loss, and the relay's CPU per delivered record.</summary>
    public static void Describe(ScenarioResult result, ScenarioRun run, JsonObject line, string relayLabel, double rate)
    {
        Aggregate.Subscribers(result, [line]);
        result.Extra["subscribers"] = Aggregate.Number(line, "subscribers");
        result.Extra["slowest_subscriber_records_per_s"] = Aggregate.Number(line, "slowest_records_per_s");
        result.Extra["offered_records_per_s_per_subscriber"] = rate;
        run.Describe(result);
        if (result.Processes.FirstOrDefault(p => p["role"]?.GetValue<string>() == relayLabel)?["cpu_s"] is JsonValue cpu
            && cpu.TryGetValue(out double seconds) && Aggregate.Number(line, "records") is > 0 and var delivered)
        {
            result.Extra["relay_cpu_ns_per_delivered_record"] = Math.Round(seconds * 1e9 / delivered, 1);
        }
    }
}
