using Microsoft.Extensions.Hosting;

namespace Telemetry.Dashboard.Demo;

/// <summary>
/// Ties the demo topology to the host: registered before every other hosted service, so it is
/// started first and stopped last, after the feed that publishes into it and the subscriber that
/// reads from it. Closing it here, within the host's shutdown, rather than when the container is
/// disposed, means the dashboard has closed every socket and thread of its own by the time it
/// logs that it stopped.
/// </summary>
internal sealed class DemoLifetime(DemoTopology demo) : IHostedService
{
    // The topology is built (and binds) when this service is resolved, before any StartAsync runs.
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken)
    {
        demo.Dispose();
        return Task.CompletedTask;
    }
}
