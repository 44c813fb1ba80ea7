using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Telemetry.Relay;

/// <summary>Runs a <see cref="TelemetryRelay"/> with the host: made and started on start, closed on stop.</summary>
public sealed class RelayLifetime(IOptions<RelayOptions> options, ILogger<TelemetryRelay> logger) : IHostedService, IDisposable
{
    private TelemetryRelay? _relay;

    /// <summary>The running relay.</summary>
    /// <exception cref="InvalidOperationException">The host has not started it.</exception>
    public TelemetryRelay Relay => _relay ?? throw new InvalidOperationException("The relay is not started.");

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _relay = new TelemetryRelay(options.Value, logger);
        _relay.Start();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _relay?.Dispose();
        _relay = null;
    }
}
