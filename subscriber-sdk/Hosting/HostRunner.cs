using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Telemetry.Hosting;

/// <summary>Runs a host and turns start-up failures into one readable line and an exit code, not a stack trace.</summary>
internal static class HostRunner
{
    public const int InvalidConfiguration = 2;
    public const int SocketError = 3;

    // Set by StopWithError; a process runs one host, so the exit code it asks for is process-wide.
    private static int s_exitCode;

    public static async Task<int> RunAsync(IHost host)
    {
        try
        {
            await host.RunAsync().ConfigureAwait(false);
            return Volatile.Read(ref s_exitCode);
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

    /// <summary>
    /// Ends the run from a hosted service's start: prints <paramref name="line"/> and stops the host,
    /// and <see cref="RunAsync"/> returns <paramref name="exitCode"/> (the first one asked for).
    /// </summary>
    /// <remarks>
    /// For failures an operator must fix, where throwing from StartAsync would have the host log the
    /// exception with its stack trace before <see cref="RunAsync"/> could print the one line that matters.
    /// </remarks>
    public static void StopWithError(IHostApplicationLifetime lifetime, string line, int exitCode)
    {
        ArgumentNullException.ThrowIfNull(lifetime);
        Console.Error.WriteLine(line);
        Interlocked.CompareExchange(ref s_exitCode, exitCode, 0);
        lifetime.StopApplication();
    }

    private static List<string> ValidationFailures(Exception ex) =>
        (ex is AggregateException all ? all.InnerExceptions : [ex])
            .OfType<OptionsValidationException>()
            .SelectMany(e => e.Failures)
            .ToList();
}
