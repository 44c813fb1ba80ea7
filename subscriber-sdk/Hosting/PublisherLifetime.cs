using Microsoft.Extensions.Hosting;

namespace Telemetry.Hosting;

/// <summary>Creates the publisher when the host starts (so bind errors stop the start) and flushes it on shutdown.</summary>
internal sealed class PublisherLifetime<T>(IServiceProvider services) : IHostedService
{
    private TelemetryPublisher<T>? _publisher;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _publisher = (TelemetryPublisher<T>)services.GetService(typeof(TelemetryPublisher<T>))!;
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_publisher is not null)
        {
            await _publisher.FlushAsync(cancellationToken).ConfigureAwait(false);
            await _publisher.DisposeAsync().ConfigureAwait(false);
        }
    }
}
