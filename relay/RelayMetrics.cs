using Telemetry.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Prometheus;

namespace Telemetry.Relay;

/// <summary>Serves Prometheus <c>/metrics</c>; the forwarder's counters are copied in just before each scrape.</summary>
internal sealed class RelayMetrics(RelayLifetime relay, IOptions<MetricsOptions> options, IHostApplicationLifetime lifetime)
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

    private static readonly Hosting.SnapshotMetrics SnapshotRequests = new("relay");
    private static readonly Hosting.RetransmitMetrics Retransmit = new("relay");
    private static readonly Counter Coalesced = Metrics.CreateCounter("telemetry_relay_repairs_coalesced_total", "Downstream repair requests joined to one already in flight upstream for the same range.");

    private static readonly Counter Conflated = Metrics.CreateCounter("telemetry_relay_conflated_records_total", "Records the conflated feed replaced by a newer one of their topic before sending (peers with _cfl. subscriptions).");
    private static readonly Counter ConflatedSent = Metrics.CreateCounter("telemetry_relay_conflated_sent_total", "Latest values the conflated feed sent.");

    protected override void Update()
    {
        var c = relay.Relay.GetStats();
        Messages.WithLabels("upstream").IncTo(c.UpMessages);
        Messages.WithLabels("downstream").IncTo(c.DownMessages);
        Records.WithLabels("upstream").IncTo(c.UpRecords);
        Records.WithLabels("downstream").IncTo(c.DownRecords);
        Bytes.WithLabels("upstream").IncTo(c.UpBytes);
        Bytes.WithLabels("downstream").IncTo(c.DownBytes);
        SubscriptionsForwarded.WithLabels("subscribe").IncTo(c.SubscriptionsForwarded);
        SubscriptionsForwarded.WithLabels("unsubscribe").IncTo(c.UnsubscriptionsForwarded);
        SubscriptionsHeld.Set(c.HeldSubscriptions);
        UpstreamConnects.IncTo(c.UpstreamConnects);
        UpstreamDisconnects.IncTo(c.UpstreamDisconnects);
        DownstreamConnections.Set(c.DownstreamConnections);
        SnapshotRequests.Update(c.Snapshots);
        Retransmit.Update(c.Retransmit);
        Coalesced.IncTo(c.RepairsCoalesced);
        Conflated.IncTo(c.ConflatedRecords);
        ConflatedSent.IncTo(c.ConflatedSent);
        Snapshots.WithLabels("upstream").IncTo(c.Snapshots.Answered - c.SnapshotsFromCacheOnly);
        Snapshots.WithLabels("cache_only").IncTo(c.SnapshotsFromCacheOnly);
        CachedTopics.Set(c.CachedTopics);
        foreach (var (kind, count) in c.Malformed)
        {
            Malformed.WithLabels(kind).IncTo(count);
        }

        Refused.WithLabels("subscription").IncTo(c.SubscriptionsRefused);
        Refused.WithLabels("snapshot").IncTo(c.Snapshots.RefusedEntitlement);
        Lost.IncTo(c.SubscriptionsLost);
    }
}
