using System.Text.Json.Nodes;

namespace Telemetry.Perf.Workers;

/// <summary>
/// <c>perf worker sub</c>: a TelemetrySubscriber on the zero-copy path that decodes every tick and
/// measures records/s, messages/s and one-way latency over a window that opens <c>--warmup</c>
/// seconds after the first batch and lasts <c>--seconds</c>.
/// </summary>
internal static class SubWorker
{
    public static int Run(WorkerArgs args)
    {
        args.ApplyClockOffset();
        var measurement = SubReport.CreateMeasurement(args);
        using var subscriber = new TelemetrySubscriber(new SubscriberOptions
        {
            Connect = [args.Required("--connect")],
            Prefixes = [args.Text("--prefix") ?? "md."],

            // Off by default: the suite's rows measure delivery (flat out, loss is expected and
            // counted); asking for every lost record would measure the repair traffic instead.
            GapRepair = Enum.Parse<GapRepair>(args.Text("--repair") ?? nameof(GapRepair.Off), ignoreCase: true),
        });
        subscriber.Start(measurement.OnBatch);
        return SubReport.Run("sub", measurement, () =>
        {
            var stats = subscriber.GetStats();
            return new SubReport.Counters(stats.Records, stats.Gaps, stats.MissingRecords, stats.Malformed);
        });
    }
}
