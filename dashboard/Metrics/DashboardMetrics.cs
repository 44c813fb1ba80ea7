using Microsoft.Extensions.Hosting;
using Prometheus;
using Telemetry.Dashboard.Feed;

namespace Telemetry.Dashboard.Metrics;

/// <summary>
/// The dashboard's Prometheus instruments on <c>/metrics</c>. The receive thread and the push loop
/// keep plain counters; they are copied into the instruments just before each scrape, so the hot
/// path never touches a label lookup. Only the latency histogram is observed directly (once per batch).
/// </summary>
internal sealed class DashboardMetrics(DashboardCounters counters, TopicBoard board, FeedSubscriber subscriber) : IHostedService
{
    private static readonly Counter Records = Prometheus.Metrics.CreateCounter("telemetry_dashboard_records_total", "Records received, by kind.", "kind");
    private static readonly Counter Batches = Prometheus.Metrics.CreateCounter("telemetry_dashboard_batches_total", "Batches (ZeroMQ messages) received.");
    private static readonly Counter Gaps = Prometheus.Metrics.CreateCounter("telemetry_dashboard_gaps_total", "Gaps detected in the streams received.");
    private static readonly Counter Missing = Prometheus.Metrics.CreateCounter("telemetry_dashboard_missing_records_total", "Records reported missing by those gaps.");
    private static readonly Counter Recovered = Prometheus.Metrics.CreateCounter("telemetry_dashboard_recovered_records_total", "Records that were not lost after all: repaired (came in repair answers), resynced (latest values back from the snapshot service), conflated (replaced by newer ones in a node's conflated feed or the delivery buffer).", "how");
    private static readonly Counter Malformed = Prometheus.Metrics.CreateCounter("telemetry_dashboard_malformed_total", "Messages rejected as malformed by the subscriber.");
    private static readonly Counter Pushes = Prometheus.Metrics.CreateCounter("telemetry_dashboard_pushes_total", "Messages pushed to the pages, by message type.", "message");
    private static readonly Counter TopicUpdates = Prometheus.Metrics.CreateCounter("telemetry_dashboard_topic_updates_total", "Per-topic price updates pushed after conflation (at most one per topic per push).");
    private static readonly Gauge Topics = Prometheus.Metrics.CreateGauge("telemetry_dashboard_topics", "Topics seen.");
    private static readonly Gauge Clients = Prometheus.Metrics.CreateGauge("telemetry_dashboard_clients", "Pages connected over SignalR.");
    private static readonly Histogram Latency = Prometheus.Metrics.CreateHistogram(
        "telemetry_dashboard_latency_seconds",
        "Batch latency from the publisher's sent_ns to the dashboard's receive thread (wall clocks of two processes).",
        new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.0001, 4, 9) });

    /// <summary>Receive thread, once per batch.</summary>
    public static void ObserveLatency(long nanoseconds) => Latency.Observe(nanoseconds / 1e9);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        Prometheus.Metrics.DefaultRegistry.AddBeforeCollectCallback(Update);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void Update()
    {
        Records.WithLabels("tick").IncTo(Volatile.Read(ref counters.TickRecords));
        Records.WithLabels("log").IncTo(Volatile.Read(ref counters.LogRecords));
        Records.WithLabels("metric").IncTo(Volatile.Read(ref counters.MetricRecords));
        Records.WithLabels("other").IncTo(Volatile.Read(ref counters.OtherRecords));
        Batches.IncTo(Volatile.Read(ref counters.Batches));
        Gaps.IncTo(Volatile.Read(ref counters.Gaps));
        Missing.IncTo(Volatile.Read(ref counters.MissingRecords));
        var stats = subscriber.Stats;
        Malformed.IncTo(stats.Malformed);
        Recovered.WithLabels("repaired").IncTo(stats.RepairedRecords);
        Recovered.WithLabels("resynced").IncTo(stats.Resyncs);
        Recovered.WithLabels("conflated").IncTo(stats.Conflated);
        Pushes.WithLabels("ticks").IncTo(Volatile.Read(ref counters.TickPushes));
        Pushes.WithLabels("logs").IncTo(Volatile.Read(ref counters.LogPushes));
        Pushes.WithLabels("topics").IncTo(Volatile.Read(ref counters.TopicPushes));
        Pushes.WithLabels("system").IncTo(Volatile.Read(ref counters.SystemPushes));
        Pushes.WithLabels("metrics").IncTo(Volatile.Read(ref counters.MetricPushes));
        TopicUpdates.IncTo(Volatile.Read(ref counters.TopicUpdatesPushed));
        Topics.Set(board.TopicCount);
        Clients.Set(Volatile.Read(ref counters.Clients));
    }
}
