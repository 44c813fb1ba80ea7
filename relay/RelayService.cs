using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Telemetry.Relay;

/// <summary>Starts the forwarder with the host and stops it on shutdown.</summary>
internal sealed class RelayService(IOptions<RelayOptions> options, ILogger<RelayService> logger) : IHostedService, IDisposable
{
    private Forwarder? _forwarder;

    public Forwarder Forwarder => _forwarder ?? throw new InvalidOperationException("The relay is not started.");

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _forwarder = new Forwarder(options.Value, logger);
        _forwarder.Start();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _forwarder?.Dispose();
        _forwarder = null;
    }
}
