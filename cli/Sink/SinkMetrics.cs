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
    private static readonly Counter Lost = Metrics.CreateCounter("telemetry_sink_write_failed_records_total", "Records received but not written because the file system refused the write.");
    private static readonly Counter FullWaits = Metrics.CreateCounter("telemetry_sink_buffer_full_waits_total", "Times the receive thread waited for the writer because the buffer was full (publishers were pushed back).");
    private static readonly Gauge Buffered = Metrics.CreateGauge("telemetry_sink_buffered_bytes", "Bytes of received batches waiting for the writer.");
    private static readonly Gauge Publishers = Metrics.CreateGauge("telemetry_sink_streams", "Distinct (topic, publisher) streams seen.");

    private readonly Hosting.MetricsEndpoint _endpoint;

    public SinkMetrics(int port, TelemetrySubscriber subscriber, BatchQueue queue, SinkWriter writer) =>
        _endpoint = new Hosting.MetricsEndpoint("+", port, () =>
        {
            var stats = subscriber.GetStats();
            Records.IncTo(writer.Written);
            Bytes.IncTo(writer.BytesWritten);
            Rotations.IncTo(writer.Rotations);
            Gaps.IncTo(stats.Gaps);
            Missing.IncTo(stats.MissingRecords);
            Malformed.IncTo(stats.Malformed);
            Lost.IncTo(writer.Lost);
            FullWaits.IncTo(queue.FullWaits);
            Buffered.Set(queue.BufferedBytes);
            Publishers.Set(writer.Streams);
        });

    public void Dispose() => _endpoint.Dispose();
}
