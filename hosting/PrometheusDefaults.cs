using Prometheus;

namespace Telemetry.Hosting;

/// <summary>
/// What prometheus-net collects besides our own instruments. Its EventCounter and .NET Meters
/// adapters keep an in-process EventListener running that allocates on every interval, between
/// scrapes too (prometheus-net issue 394 reports RSS growth from it); in a host that otherwise
/// allocates almost nothing per record, that garbage drives collections that promote in-flight
/// message buffers. The hosts need none of those counters, so the adapters are off. The process
/// metrics (<c>process_*</c>) and the GC figures (<c>dotnet_*</c>) stay: they are read on scrape.
/// </summary>
public static class PrometheusDefaults
{
    /// <summary>Call first in Main: prometheus-net fixes its defaults when its registry is first touched.</summary>
    public static void Apply() => Metrics.SuppressDefaultMetrics(new SuppressDefaultMetricOptions
    {
        SuppressEventCounters = true,
        SuppressMeters = true,
    });
}
