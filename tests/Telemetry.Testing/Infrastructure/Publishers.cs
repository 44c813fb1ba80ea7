using NetMQ;

namespace Telemetry.Tests.Infrastructure;

/// <summary>Publisher set-ups shared by tests that stop and restart a publisher.</summary>
internal static class Publishers
{
    /// <summary>Binds a tick publisher named "feed" on <paramref name="endpoint"/>, retrying while the port of a just-closed socket is still busy.</summary>
    public static async Task<TelemetryPublisher<Tick>> BindWhenFreeAsync(string endpoint)
    {
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                return new TelemetryPublisher<Tick>(new PublisherOptions { Name = "feed", Bind = [endpoint] });
            }
            catch (NetMQException) when (attempt < 50)
            {
                await Task.Delay(100);
            }
        }
    }
}
