using Prometheus;

namespace Telemetry.Cli.Sink;

/// <summary>The sink's Prometheus instruments, served on <c>/metrics</c>; values are copied in before each scrape.</summary>
internal sealed class SinkMetrics : IDisposable
{
    private static readonly Counter Records = Metrics.CreateCounter("telemetry_sink_records_total", "Records written to files.");
    private static readonly Counter Bytes = Metrics.CreateCounter("telemetry_sink_bytes_written_total", "Bytes written to files.");
    private static readonly Counter Rotations = Metrics.CreateCounter("telemetry_sink_rotations_total", "Files completed (fsynced and closed).");
    private static readonly Counter Gaps = Metrics.CreateCounter("telemetry_sink_gaps_total", "Gaps detected in incoming streams.");
    private static readonly Counter Missing = Metrics.CreateCounter("telemetry_sink_missing_records_total", "Records reported missing by those gaps.");
    private static readonly Counter Malformed = Metrics.CreateCounter("telemetry_sink_malformed_total", "Messages rejected as malformed.");
    private static readonly Gauge Publishers = Metrics.CreateGauge("telemetry_sink_streams", "Distinct (topic, publisher) streams seen.");

    private readonly Hosting.MetricsEndpoint _endpoint;

    public SinkMetrics(int port, Func<(SubscriberStats Stats, long Written, long Bytes, int Rotations, int Streams)> read) =>
        _endpoint = new Hosting.MetricsEndpoint("+", port, () =>
        {
            var (stats, written, bytes, rotations, streams) = read();
            Records.IncTo(written);
            Bytes.IncTo(bytes);
            Rotations.IncTo(rotations);
            Gaps.IncTo(stats.Gaps);
            Missing.IncTo(stats.MissingRecords);
            Malformed.IncTo(stats.Malformed);
            Publishers.Set(streams);
        });

    public void Dispose() => _endpoint.Dispose();
}
