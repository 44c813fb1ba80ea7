using Telemetry.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Prometheus;

namespace Telemetry.Relay;

/// <summary>Serves Prometheus <c>/metrics</c>; the forwarder's counters are copied in just before each scrape.</summary>
internal sealed class RelayMetrics(RelayService relay, IOptions<MetricsOptions> options, IHostApplicationLifetime lifetime)
    : Hosting.MetricsService(lifetime, options.Value.Host, options.Value.Port)
{
    private static readonly Counter Messages = Metrics.CreateCounter("telemetry_relay_messages_total", "Batches (ZeroMQ messages) per link.", "link");
    private static readonly Counter Records = Metrics.CreateCounter("telemetry_relay_records_total", "Records per link.", "link");
    private static readonly Counter Bytes = Metrics.CreateCounter("telemetry_relay_bytes_total", "Batch bytes per link.", "link");
    private static readonly Counter SubscriptionsForwarded = Metrics.CreateCounter("telemetry_relay_subscriptions_forwarded_total", "Subscription changes forwarded upstream.", "action");
    private static readonly Gauge SubscriptionsHeld = Metrics.CreateGauge("telemetry_relay_subscriptions_held", "Distinct prefixes subscribed from downstream.");
    private static readonly Counter UpstreamConnects = Metrics.CreateCounter("telemetry_relay_upstream_connects_total", "Upstream connections made (the first and every reconnect).");
    private static readonly Counter UpstreamDisconnects = Metrics.CreateCounter("telemetry_relay_upstream_disconnects_total", "Upstream connections lost.");
    private static readonly Gauge DownstreamConnections = Metrics.CreateGauge("telemetry_relay_downstream_connections", "Downstream peers connected now.");
    private static readonly Counter Snapshots = Metrics.CreateCounter("telemetry_relay_snapshots_total", "Late-join snapshots answered, by source.", "source");
    private static readonly Gauge CachedTopics = Metrics.CreateGauge("telemetry_relay_cached_topics", "Topics in the last-value cache.");
    private static readonly Counter Refused = Metrics.CreateCounter("telemetry_relay_entitlement_refused_total", "Downstream requests refused for want of a valid token granting them.", "request");
    private static readonly Counter Lost = Metrics.CreateCounter("telemetry_relay_subscriptions_lost_total", "Downstream subscriptions dropped because NetMQ paired them with no pipe (manual-mode XPUB).");
    private static readonly Counter Malformed = Metrics.CreateCounter("telemetry_relay_malformed_total", "Messages from upstream refused by the inbound validator, by kind.", "kind");
    private static readonly (DecodeError Kind, string Label)[] RejectedKinds = [.. Enum.GetValues<DecodeError>().Where(k => k != DecodeError.None).Select(k => (k, System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(k.ToString())))];

    private static readonly Hosting.SnapshotMetrics SnapshotRequests = new("relay");

    protected override void Update()
    {
        var c = relay.Forwarder.Counters;
        Messages.WithLabels("upstream").IncTo(Volatile.Read(ref c.UpMessages));
        Messages.WithLabels("downstream").IncTo(Volatile.Read(ref c.DownMessages));
        Records.WithLabels("upstream").IncTo(Volatile.Read(ref c.UpRecords));
        Records.WithLabels("downstream").IncTo(Volatile.Read(ref c.DownRecords));
        Bytes.WithLabels("upstream").IncTo(Volatile.Read(ref c.UpBytes));
        Bytes.WithLabels("downstream").IncTo(Volatile.Read(ref c.DownBytes));
        SubscriptionsForwarded.WithLabels("subscribe").IncTo(Volatile.Read(ref c.SubscriptionsForwarded));
        SubscriptionsForwarded.WithLabels("unsubscribe").IncTo(Volatile.Read(ref c.UnsubscriptionsForwarded));
        SubscriptionsHeld.Set(Volatile.Read(ref c.HeldSubscriptions));
        UpstreamConnects.IncTo(Volatile.Read(ref c.UpstreamConnects));
        UpstreamDisconnects.IncTo(Volatile.Read(ref c.UpstreamDisconnects));
        DownstreamConnections.Set(relay.Forwarder.Downstream.Connections);
        var snapshots = relay.Forwarder.SnapshotStats;
        SnapshotRequests.Update(snapshots);
        long fromCacheOnly = Volatile.Read(ref c.SnapshotsFromCacheOnly);
        Snapshots.WithLabels("upstream").IncTo(snapshots.Answered - fromCacheOnly);
        Snapshots.WithLabels("cache_only").IncTo(fromCacheOnly);
        CachedTopics.Set(Volatile.Read(ref c.CachedTopics));
        foreach (var kind in RejectedKinds)
        {
            Malformed.WithLabels(kind.Label).IncTo(c.Rejected[kind.Kind]);
        }

        Refused.WithLabels("subscription").IncTo(relay.Forwarder.Downstream.SubscriptionsRefused);
        Refused.WithLabels("snapshot").IncTo(snapshots.RefusedEntitlement);
        Lost.IncTo(relay.Forwarder.Downstream.SubscriptionsLost);
    }
}
