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
        });
        subscriber.Start(measurement.OnBatch);
        return SubReport.Run("sub", measurement, () =>
        {
            var stats = subscriber.GetStats();
            return new SubReport.Counters(stats.Records, stats.Gaps, stats.MissingRecords, stats.Malformed);
        });
    }
}
