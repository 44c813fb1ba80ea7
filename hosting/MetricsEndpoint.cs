using Prometheus;

namespace Telemetry.Hosting;

/// <summary>
/// A host's Prometheus <c>/metrics</c> endpoint. The SDK keeps plain counters and no Prometheus
/// dependency, so each host copies its counters into instruments in <c>beforeScrape</c>, just
/// before every scrape. Shared as a linked source file by the publisher, relay and sink hosts.
/// </summary>
internal sealed class MetricsEndpoint : IDisposable
{
    private readonly MetricServer? _server;

    /// <summary>Serves <c>/metrics</c> on <paramref name="host"/>:<paramref name="port"/>; port 0 serves nothing.</summary>
    public MetricsEndpoint(string host, int port, Action beforeScrape)
    {
        if (port == 0)
        {
            return;
        }

        Metrics.DefaultRegistry.AddBeforeCollectCallback(beforeScrape);
        Metrics.DefaultRegistry.AddBeforeCollectCallback(RuntimeMemoryMetrics.Update);
        _server = new MetricServer(host, port);
        _server.Start();
    }

    public Task StopAsync() => _server?.StopAsync() ?? Task.CompletedTask;

    public void Dispose() => _server?.Dispose();
}
