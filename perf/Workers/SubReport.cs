using System.Text.Json.Nodes;

namespace Telemetry.Perf.Workers;

/// <summary>
/// The reporting side of every .NET subscriber worker: waits for the first record, prints
/// <c>window_start</c>, a progress line per second and one <c>result</c> line, then waits for
/// stdin to close so the harness can read this process's CPU time and peak RSS first.
/// </summary>
internal static class SubReport
{
    /// <summary>Counters of the transport, read from the main thread.</summary>
    public readonly record struct Counters(long Records, long Gaps, long Missing, long Malformed);

    public static SubMeasurement CreateMeasurement(WorkerArgs args) => new(
        args.Double("--warmup", 2),
        args.Double("--seconds", 5),
        args.Text("--latency") == "all" ? LatencySampling.All : LatencySampling.FirstOfBatch,
        new LatencyRecorder(args.Long("--expected-interval-ns", 0)));

    public static int Run(string role, SubMeasurement measurement, Func<Counters> counters)
    {
        if (!WaitForFirstRecord(role, () => measurement.FirstNs))
        {
            return 1;
        }

        var atStart = WaitAndReport(role, measurement.WindowStartNs, counters);
        long allocatedAtStart = GC.GetTotalAllocatedBytes();
        StatsLine.Write(new JsonObject { ["role"] = role, ["event"] = "window_start" });
        WaitAndReport(role, measurement.WindowEndNs + 20_000_000, counters);
        var atEnd = counters();
        long allocated = GC.GetTotalAllocatedBytes() - allocatedAtStart;
        double seconds = (measurement.WindowEndNs - measurement.WindowStartNs) / 1e9;
        var result = new JsonObject
        {
            ["role"] = role,
            ["event"] = "result",
            ["records"] = measurement.Records,
            ["batches"] = measurement.Batches,
            ["seconds"] = seconds,
            ["records_per_s"] = Math.Round(measurement.Records / seconds),
            ["msgs_per_s"] = Math.Round(measurement.Batches / seconds),
            ["mean_batch"] = Math.Round((double)measurement.Records / Math.Max(1, measurement.Batches), 1),
            ["gaps"] = atEnd.Gaps - atStart.Gaps,
            ["missing"] = atEnd.Missing - atStart.Missing,
            ["malformed"] = atEnd.Malformed,
            ["per_second"] = new JsonArray([.. measurement.PerSecond.Select(v => (JsonNode?)JsonValue.Create(v))]),
            ["checksum"] = measurement.Checksum,

            // The whole process over the window, this reporting thread's few lines included.
            ["allocated_bytes"] = allocated,
            ["bytes_per_record"] = Math.Round((double)allocated / Math.Max(1, measurement.Records), 4),
        };
        if (measurement.Batches > 0)
        {
            result["batch_p50"] = measurement.BatchSizes.GetValueAtPercentile(50);
            result["batch_p99"] = measurement.BatchSizes.GetValueAtPercentile(99);
            result["batch_max"] = HdrHistogram.HistogramExtensions.GetMaxValue(measurement.BatchSizes);
        }

        measurement.Latency.AddTo(result);
        measurement.CallerToSend.AddTo(result, "caller_to_send_");
        measurement.SendToApplication.AddTo(result, "send_to_app_");
        StatsLine.Write(result);
        StatsLine.WaitForStdinToClose();
        return 0;
    }

    /// <summary>Waits up to 60 s until <paramref name="firstNs"/> says a record came (non-zero); if none did, writes the error line for <paramref name="role"/> and returns false.</summary>
    public static bool WaitForFirstRecord(string role, Func<long> firstNs)
    {
        long deadline = SharedClock.MonotonicNs() + 60_000_000_000;
        while (firstNs() == 0)
        {
            if (SharedClock.MonotonicNs() > deadline)
            {
                StatsLine.Write(new JsonObject { ["role"] = role, ["event"] = "error", ["message"] = "nothing received within 60 s" });
                return false;
            }

            Thread.Sleep(5);
        }

        return true;
    }

    /// <summary>Sleeps until <paramref name="untilNs"/>, printing progress each second; returns the counters then.</summary>
    private static Counters WaitAndReport(string role, long untilNs, Func<Counters> counters)
    {
        var last = counters();
        long lastNs = SharedClock.MonotonicNs();
        while (SharedClock.MonotonicNs() is var now && now < untilNs)
        {
            Thread.Sleep((int)Math.Clamp((untilNs - now) / 1_000_000, 1, 1000));
            long elapsed = SharedClock.MonotonicNs() - lastNs;
            if (elapsed >= 900_000_000)
            {
                var current = counters();
                StatsLine.Write(new JsonObject
                {
                    ["role"] = role,
                    ["event"] = "progress",
                    ["records"] = current.Records,
                    ["records_per_s"] = Math.Round((current.Records - last.Records) * 1e9 / elapsed),
                    ["gaps"] = current.Gaps,
                });
                (last, lastNs) = (current, SharedClock.MonotonicNs());
            }
        }

        return counters();
    }
}
