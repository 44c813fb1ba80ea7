using System.Net;
using Prometheus;

namespace Telemetry.Hosting;

/// <summary>
/// A host's Prometheus <c>/metrics</c> endpoint, served by Kestrel. The SDK keeps plain counters and
/// no Prometheus dependency, so each host copies its counters into instruments in <c>beforeScrape</c>,
/// just before every scrape. Shared by the publisher, relay, dashboard and sink hosts.
/// </summary>
/// <remarks>
/// Kestrel rather than prometheus-net's HttpListener-based MetricServer: on Linux, .NET's managed
/// HttpListener crashed a relay restarted on its port (an ArgumentNullException thrown on its accept
/// path, outside any code of ours, so the process died with 134).
/// </remarks>
public sealed class MetricsEndpoint : IDisposable
{
    private readonly KestrelMetricServer? _server;

    /// <summary>
    /// Serves <c>/metrics</c> on <paramref name="host"/>:<paramref name="port"/>; port 0 serves nothing.
    /// <paramref name="host"/> is an IP address, <c>localhost</c>, or <c>+</c> / <c>*</c> for every interface.
    /// </summary>
    /// <exception cref="MetricsUnavailableException">The endpoint cannot listen; the message is one line for the operator.</exception>
    public MetricsEndpoint(string host, int port, Action beforeScrape)
    {
        if (port == 0)
        {
            return;
        }

        Url = $"http://{host}:{port}/metrics";
        string kestrelHost = KestrelHost(host)
            ?? throw new MetricsUnavailableException($"metrics: cannot listen on {Url}: '{host}' is not an IP address, localhost or + (every interface)");
        if (port is < 1 or > 65535)
        {
            throw new MetricsUnavailableException($"metrics: cannot listen on {Url}: the port must be 1-65535 (0 turns metrics off)");
        }

        var server = new KestrelMetricServer(kestrelHost, port);
        try
        {
            server.Start();
        }
        catch (IOException ex)
        {
            server.Dispose();
            throw new MetricsUnavailableException($"metrics: cannot listen on {Url}: {Reason(ex)}", ex);
        }

        // Registered only once the server listens: a failed start leaves the registry as it was.
        Metrics.DefaultRegistry.AddBeforeCollectCallback(beforeScrape);
        Metrics.DefaultRegistry.AddBeforeCollectCallback(RuntimeMemoryMetrics.Update);
        _server = server;
    }

    /// <summary>Where the endpoint answers, as configured; null when metrics are off.</summary>
    public string? Url { get; }

    public Task StopAsync() => _server?.StopAsync() ?? Task.CompletedTask;

    public void Dispose() => _server?.Dispose();

    /// <summary>The host as Kestrel's URL wants it, or null when it is not one we can listen on.</summary>
    /// <remarks>
    /// Kestrel binds every interface for any name it cannot parse as an address, so a mistyped host
    /// name would silently expose metrics everywhere; only addresses, localhost and the wildcards pass.
    /// </remarks>
    private static string? KestrelHost(string host) => host switch
    {
        "+" or "*" => "*",
        "localhost" => "localhost",
        _ when IPAddress.TryParse(host, out var address) =>
            address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString(),
        _ => null,
    };

    /// <summary>The innermost cause in words: Kestrel wraps the socket error in its own IOException.</summary>
    private static string Reason(Exception ex)
    {
        if (ex.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
        {
            return "address already in use";
        }

        while (ex.InnerException is not null)
        {
            ex = ex.InnerException;
        }

        return ex.Message.TrimEnd('.');
    }
}
