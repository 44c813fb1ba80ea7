using Microsoft.Extensions.Hosting;

namespace Telemetry.Hosting;

/// <summary>
/// Runs a host's <see cref="MetricsEndpoint"/> with the host; the derived class copies its counters
/// into instruments in <see cref="Update"/>. Register it after the services it reads, so that
/// <c>/metrics</c> answers only once they have started (tests and operators take that as "ready").
/// </summary>
public abstract class MetricsService(IHostApplicationLifetime lifetime, string host, int port) : IHostedService, IDisposable
{
    private MetricsEndpoint? _endpoint;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            _endpoint = new MetricsEndpoint(host, port, Update);
        }
        catch (MetricsUnavailableException ex)
        {
            // The host stops, with the line and a non-zero exit code, rather than running without
            // metrics: a relay or publisher nobody can observe is a silent outage in waiting, and a
            // port clash is a configuration mistake best seen at the first start, where whoever
            // started it is looking. Reported rather than thrown: the host would first log the
            // exception with its whole stack trace, burying the one line that says what to fix.
            HostRunner.StopWithError(lifetime, ex.Message, HostRunner.SocketError);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => _endpoint?.StopAsync() ?? Task.CompletedTask;

    public void Dispose()
    {
        _endpoint?.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Copies the host's counters into its instruments; called just before each scrape.</summary>
    protected abstract void Update();
}
