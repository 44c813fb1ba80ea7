using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Telemetry.Hosting;

/// <summary>Runs a host and turns start-up failures into one readable line and an exit code, not a stack trace.</summary>
internal static class HostRunner
{
    public const int InvalidConfiguration = 2;
    public const int SocketError = 3;

    /// <summary>Runs <paramref name="host"/> until Ctrl+C or SIGTERM; logs "<paramref name="name"/> stopping" and "... stopped" around its shutdown.</summary>
    public static async Task<int> RunAsync(IHost host, string name)
    {
        // The framework's own shutdown lines are hidden (Microsoft.Hosting logs at Warning in the
        // hosts' appsettings.json), so an operator would otherwise see nothing when a host stops.
        var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(HostRunner).FullName!);
        var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
        using var stopping = lifetime.ApplicationStopping.Register(() => HostLog.HostStopping(logger, name));
        using var stopped = lifetime.ApplicationStopped.Register(() => HostLog.HostStopped(logger, name));
        try
        {
            await host.RunAsync().ConfigureAwait(false);
            return 0;
        }
        catch (Exception ex) when (ValidationFailures(ex) is { Count: > 0 } failures)
        {
            await Console.Error.WriteLineAsync("Invalid configuration: " + string.Join(" ", failures)).ConfigureAwait(false);
            return InvalidConfiguration;
        }
        catch (NetMQ.NetMQException ex)
        {
            await Console.Error.WriteLineAsync("Socket error: " + ex.Message).ConfigureAwait(false);
            return SocketError;
        }
    }

    private static List<string> ValidationFailures(Exception ex) =>
        (ex is AggregateException all ? all.InnerExceptions : [ex])
            .OfType<OptionsValidationException>()
            .SelectMany(e => e.Failures)
            .ToList();
}
