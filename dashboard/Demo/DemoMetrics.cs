using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Telemetry.Internal;

namespace Telemetry.Dashboard.Demo;

/// <summary>
/// Samples the demo's components once a second as metric records (<c>metric.&lt;component&gt;.&lt;name&gt;</c>),
/// the way a real host would report itself, so the system view shows metrics coming over the wire.
/// </summary>
internal sealed class DemoMetrics(DemoTopology demo) : BackgroundService
{
    private static readonly IReadOnlyDictionary<string, string> Process = new Dictionary<string, string> { ["process"] = "dashboard" };

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        var self = System.Diagnostics.Process.GetCurrentProcess();
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                long now = UnixClock.NowNs();
                var feed = demo.Ticks.GetStats();
                var relay = demo.RelayStats;
                self.Refresh();
                Publish("sim-feed", "records_sent_total", feed.Sent, now);
                Publish("sim-feed", "queue_depth", feed.QueueDepth, now);
                Publish("sim-feed", "subscribers", feed.Connections, now);
                Publish("relay-1", "records_forwarded_total", relay.DownRecords, now);
                Publish("relay-1", "downstream_connections", relay.DownstreamConnections, now);
                Publish("relay-1", "malformed_total", relay.MalformedTotal, now);
                Publish("host", "cpu_seconds_total", self.TotalProcessorTime.TotalSeconds, now, Process);
                Publish("host", "working_set_bytes", self.WorkingSet64, now, Process);
                Publish("host", "gc_heap_bytes", GC.GetTotalMemory(false), now, Process);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    // Typed as an OpenTelemetry exporter would: totals are counters (the metrics page charts their
    // rate), the rest gauges; the unit is the one the name ends with.
    private void Publish(string source, string name, double value, long now, IReadOnlyDictionary<string, string>? labels = null) =>
        demo.Metrics.Publish($"metric.{source}.{name}", new MetricSample(
            name,
            labels,
            value,
            now,
            name.EndsWith("_total", StringComparison.Ordinal) ? MetricType.Counter : MetricType.Gauge,
            name.Contains("bytes", StringComparison.Ordinal) ? "By" : name.Contains("seconds", StringComparison.Ordinal) ? "s" : null));
}
