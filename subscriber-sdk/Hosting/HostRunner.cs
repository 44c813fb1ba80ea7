using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Telemetry.Hosting;

/// <summary>Runs a host and turns start-up failures into one readable line and an exit code, not a stack trace.</summary>
internal static class HostRunner
{
    public const int InvalidConfiguration = 2;
    public const int SocketError = 3;

    public static async Task<int> RunAsync(IHost host)
    {
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
