using System.Text.Json.Nodes;

namespace Telemetry.Perf.Workers;

/// <summary>
/// <c>perf worker multi-sub --connect EP --connections N</c>: N TelemetrySubscribers in one process,
/// each its own connection, counting what it receives. The window opens <c>--warmup</c> seconds
/// after the first record anywhere and lasts <c>--seconds</c>; the result has the total and the
/// slowest subscriber's rate, and the records the subscribers' trackers say are missing.
/// </summary>
internal static class MultiSubWorker
{
    public static int Run(WorkerArgs args)
    {
        int connections = (int)args.Long("--connections", 100);
        double warmup = args.Double("--warmup", 2), seconds = args.Double("--seconds", 5);
        var counts = new long[connections];
        long firstNs = 0;
        var subscribers = new List<TelemetrySubscriber>(connections);
        try
        {
            for (int i = 0; i < connections; i++)
            {
                int slot = i;
                var subscriber = new TelemetrySubscriber(new SubscriberOptions
                {
                    Connect = [args.Required("--connect")],
                    Prefixes = ["md."],
                    GapRepair = GapRepair.Off,
                });
                subscriber.Start((in RecordBatch batch) =>
                {
                    Interlocked.CompareExchange(ref firstNs, SharedClock.MonotonicNs(), 0);
                    Volatile.Write(ref counts[slot], counts[slot] + batch.Header.Count);
                });
                subscribers.Add(subscriber);
            }

            if (!SubReport.WaitForFirstRecord("multi-sub", () => Volatile.Read(ref firstNs)))
            {
                return 1;
            }

            Thread.Sleep(TimeSpan.FromSeconds(warmup));
            var (startCounts, startMissing) = (Snapshot(counts), subscribers.Sum(s => s.GetStats().MissingRecords));
            StatsLine.Write(new JsonObject { ["role"] = "multi-sub", ["event"] = "window_start" });
            Thread.Sleep(TimeSpan.FromSeconds(seconds));
            var endCounts = Snapshot(counts);
            long missing = subscribers.Sum(s => s.GetStats().MissingRecords) - startMissing;
            var delivered = endCounts.Zip(startCounts, (end, start) => end - start).ToList();
            StatsLine.Write(new JsonObject
            {
                ["role"] = "multi-sub",
                ["event"] = "result",
                ["records"] = delivered.Sum(),
                ["seconds"] = seconds,
                ["records_per_s"] = Math.Round(delivered.Sum() / seconds),
                ["subscribers"] = connections,
                ["slowest_records_per_s"] = Math.Round(delivered.Min() / seconds),
                ["missing"] = missing,
            });
            StatsLine.WaitForStdinToClose();
            return 0;
        }
        finally
        {
            foreach (var subscriber in subscribers)
            {
                subscriber.Dispose();
            }
        }
    }

    private static long[] Snapshot(long[] counts) => [.. counts.Select((_, i) => Volatile.Read(ref counts[i]))];
}
