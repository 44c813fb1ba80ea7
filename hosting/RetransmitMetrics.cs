using Prometheus;

namespace Telemetry.Hosting;

/// <summary>
/// A node's retransmission window and gap repairs in Prometheus, the same for the publisher host
/// and the relay: <c>telemetry_{node}_window_bytes</c>, <c>_window_batches</c>,
/// <c>_window_evicted_total{unit}</c>, <c>_repairs_total{outcome}</c> and
/// <c>_repaired_records_total</c> (docs/metrics.md).
/// </summary>
public sealed class RetransmitMetrics(string node)
{
    private readonly Gauge _bytes = Metrics.CreateGauge($"telemetry_{node}_window_bytes", "Bytes of recent batches held for gap repair.");
    private readonly Gauge _batches = Metrics.CreateGauge($"telemetry_{node}_window_batches", "Batches held for gap repair.");
    private readonly Counter _evicted = Metrics.CreateCounter($"telemetry_{node}_window_evicted_total", "Batches and records dropped from the window by its byte and age bounds.", "unit");
    private readonly Counter _repairs = Metrics.CreateCounter($"telemetry_{node}_repairs_total", "Repair requests, by outcome.", "outcome");
    private readonly Counter _resent = Metrics.CreateCounter($"telemetry_{node}_repaired_records_total", "Records sent again in repair answers.");

    /// <summary>Copies the counters into the instruments (before a scrape).</summary>
    public void Update(RetransmitStats stats)
    {
        _bytes.Set(stats.WindowBytes);
        _batches.Set(stats.WindowBatches);
        _evicted.WithLabels("batches").IncTo(stats.EvictedBatches);
        _evicted.WithLabels("records").IncTo(stats.EvictedRecords);
        _repairs.WithLabels("answered").IncTo(stats.RepairsAnswered);
        _repairs.WithLabels("forwarded").IncTo(stats.RepairsForwarded);
        _repairs.WithLabels("refused").IncTo(stats.RepairsRefused);
        _repairs.WithLabels("malformed").IncTo(stats.RepairsMalformed);
        _resent.IncTo(stats.RecordsResent);
    }
}
