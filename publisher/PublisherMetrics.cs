using Telemetry.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Prometheus;

namespace Telemetry.Publisher;

/// <summary>
/// Serves Prometheus <c>/metrics</c>. The publisher keeps its own counters (the SDK does not depend
/// on Prometheus); they are copied into the instruments just before each scrape.
/// </summary>
internal sealed class PublisherMetrics(TelemetryPublisher<Tick> publisher, IOptions<MetricsOptions> options, IHostApplicationLifetime lifetime)
    : Hosting.MetricsService(lifetime, options.Value.Host, options.Value.Port)
{
    private static readonly Counter Records = Metrics.CreateCounter("telemetry_publisher_records_total", "Records sent in batches.");
    private static readonly Counter Batches = Metrics.CreateCounter("telemetry_publisher_batches_total", "Batches (ZeroMQ messages) sent.");
    private static readonly Counter Bytes = Metrics.CreateCounter("telemetry_publisher_bytes_total", "Batch bytes sent.");
    private static readonly Counter Published = Metrics.CreateCounter("telemetry_publisher_published_total", "Records accepted from the application.");
    private static readonly Counter Dropped = Metrics.CreateCounter("telemetry_publisher_dropped_total", "Records not sent, by reason.", "reason");
    private static readonly Gauge QueueDepth = Metrics.CreateGauge("telemetry_publisher_queue_depth", "Records waiting for the sender thread.");
    private static readonly Gauge Subscribers = Metrics.CreateGauge("telemetry_publisher_subscribers", "Connected peers.");
    private static readonly Gauge Subscriptions = Metrics.CreateGauge("telemetry_publisher_subscriptions", "Distinct subscribed topic prefixes.");
    private static readonly Counter Refused = Metrics.CreateCounter("telemetry_publisher_entitlement_refused_total", "Subscriptions and snapshot requests refused for want of a valid token granting them.");

    private static readonly Hosting.SnapshotMetrics SnapshotRequests = new("publisher");
    private static readonly Hosting.RetransmitMetrics Retransmit = new("publisher");
    private static readonly Counter Heartbeats = Metrics.CreateCounter("telemetry_publisher_stream_heartbeats_total", "Stream heartbeats sent (empty batches with the next sequence number of a quiet topic).");

    protected override void Update()
    {
        var stats = publisher.GetStats();
        Records.IncTo(stats.Sent);
        Batches.IncTo(stats.Batches);
        Bytes.IncTo(stats.Bytes);
        Published.IncTo(stats.Published);
        Dropped.WithLabels("queue_full").IncTo(stats.DroppedQueueFull);
        Dropped.WithLabels("unsubscribed").IncTo(stats.DroppedUnsubscribed);
        QueueDepth.Set(stats.QueueDepth);
        Subscribers.Set(stats.Connections);
        Subscriptions.Set(stats.Subscriptions);
        Refused.IncTo(stats.RefusedSubscriptions);
        SnapshotRequests.Update(stats.Snapshots);
        Retransmit.Update(stats.Retransmit);
        Heartbeats.IncTo(stats.Heartbeats);
    }
}
