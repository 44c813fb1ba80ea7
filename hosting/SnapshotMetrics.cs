using Prometheus;

namespace Telemetry.Hosting;

/// <summary>
/// The snapshot service's counters as Prometheus series, named per host
/// (<c>telemetry_publisher_snapshot_requests_total</c>, <c>telemetry_relay_...</c>): a flood of
/// requests shows up here as refused or expired requests, not as a silent backlog.
/// </summary>
public sealed class SnapshotMetrics(string host)
{
    private readonly Counter _requests = Metrics.CreateCounter($"telemetry_{host}_snapshot_requests_total", "Late-join snapshot requests, by outcome (received counts them all).", "outcome");
    private readonly Gauge _pending = Metrics.CreateGauge($"telemetry_{host}_snapshot_requests_pending", "Snapshot requests waiting for their requester's barrier or an upstream answer.");

    public void Update(SnapshotStats stats)
    {
        _requests.WithLabels("received").IncTo(stats.Requests);
        _requests.WithLabels("answered").IncTo(stats.Answered);
        _requests.WithLabels("malformed").IncTo(stats.Malformed);
        _requests.WithLabels("refused_busy").IncTo(stats.RefusedBusy);
        _requests.WithLabels("refused_entitlement").IncTo(stats.RefusedEntitlement);
        _requests.WithLabels("expired").IncTo(stats.Expired);
        _pending.Set(stats.Pending);
    }
}
