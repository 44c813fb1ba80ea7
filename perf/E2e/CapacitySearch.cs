using System.Globalization;
using System.Text.Json.Nodes;

namespace Telemetry.Perf.E2e;

/// <summary>
/// The highest paced rate a scenario carries with zero loss, found by search: each probe runs the
/// scenario on fresh processes at one rate; the rate doubles (or halves) until one probe is lossless
/// and one is not, then the bracket is cut at its geometric middle until its ends are within 10%,
/// in at most <c>maxProbes</c> probes. The row carries the best lossless probe's figures.
/// </summary>
internal static class CapacitySearch
{
    /// <summary>A probe is lossless when no record is missing and every subscriber got at least this share of the offered rate.</summary>
    /// <remarks>Below 1 because the window's edges cut batches; a subscriber that falls behind without losing anything yet fails here too.</remarks>
    private const double DeliveredShare = 0.98;

    private const double Resolution = 1.1;

    /// <param name="probe">Runs the scenario at a per-subscriber rate; its result is named as the capacity row.</param>
    public static async Task<ScenarioResult> RunAsync(string name, string description, double startRate, int maxProbes, double windowSeconds, Func<double, Task<ScenarioResult>> probe)
    {
        double? lo = null, hi = null;
        ScenarioResult? best = null;
        var probes = new JsonArray();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        double rate = startRate;
        for (int i = 0; i < maxProbes; i++)
        {
            rate = Math.Round(rate / 1000) * 1000; // whole thousands: readable rows
            Console.WriteLine(Invariant($"  [{name}] probe {i + 1} of at most {maxProbes}: {rate:N0} records/s per subscriber"));
            ScenarioResult result;
            try
            {
                result = await probe(rate);
            }
            catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or IOException or System.ComponentModel.Win32Exception)
            {
                // A party that died or never got ready at this rate: the rate is not carried.
                result = new ScenarioResult(name, description) { Status = "failed", Reason = ex.Message };
            }

            if (result.Status == "skipped")
            {
                result.Description = description;
                return result; // a peer this machine cannot have: no rate would do better
            }

            double slowest = SlowestSubscriber(result);
            bool lossless = result.Status == "ok" && result.Missing == 0 && result.Gaps == 0 && slowest >= DeliveredShare * rate;
            probes.Add(new JsonObject
            {
                ["rate"] = rate,
                ["slowest_subscriber_records_per_s"] = Math.Round(slowest),
                ["missing"] = result.Missing,
                ["lossless"] = lossless,
                ["reason"] = result.Reason,
            });
            Console.WriteLine(Invariant($"  [{name}] {rate:N0}/s: {(lossless ? "lossless" : result.Status == "ok" ? $"lost {result.Missing:N0}, slowest subscriber {slowest:N0}/s" : result.Reason)}"));
            if (lossless)
            {
                lo = rate;
                best = result;
            }
            else
            {
                hi = rate;
            }

            if (lo is { } l && hi is { } h)
            {
                if (h / l <= Resolution)
                {
                    break;
                }

                rate = Math.Sqrt(l * h);
            }
            else
            {
                rate = lo is null ? rate / 2 : rate * 2;
            }
        }

        var row = best ?? new ScenarioResult(name, description)
        {
            Status = "failed",
            Reason = Invariant($"lost records at every probe, down to {rate * 2:N0} records/s per subscriber"),
        };
        row.Description = description;
        row.Extra["capacity_records_per_s_per_subscriber"] = lo;
        row.Extra["capacity_upper_bound"] = hi is { } upper && lo is { } lower ? Invariant($"{upper / lower:F2}x above (lossy at {upper:N0})") : "not reached";
        row.Extra["probes"] = probes;
        row.Extra["search_seconds"] = Math.Round(clock.Elapsed.TotalSeconds);
        if (best is not null && lo is { } carried)
        {
            row.Extra["cpu_ns_per_record"] = CpuPerRecord(best, carried * windowSeconds);
        }

        return row;
    }

    /// <summary>Each process's CPU time over the window per record published in it (a fan-out subscriber's records are the publisher's too).</summary>
    private static JsonObject CpuPerRecord(ScenarioResult result, double recordsPublished)
    {
        var perProcess = new JsonObject();
        foreach (var process in result.Processes)
        {
            if (process["role"]?.GetValue<string>() is { } role && process["cpu_s"] is JsonValue cpu && cpu.TryGetValue(out double seconds))
            {
                perProcess[role] = Math.Round(seconds * 1e9 / recordsPublished, 1);
            }
        }

        return perProcess;
    }

    private static double SlowestSubscriber(ScenarioResult result) =>
        result.Extra["records_per_s_per_subscriber"] is JsonArray rates
            ? rates.Select(r => r is JsonValue v && v.TryGetValue(out double d) ? d : 0).DefaultIfEmpty(0).Min()
            : result.RecordsPerSecond ?? 0;

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
