using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Telemetry.Hosting;

/// <summary>Runs a host and turns start-up failures into one readable line and an exit code, not a stack trace.</summary>
public static class HostRunner
{
    public const int InvalidConfiguration = 2;
    public const int SocketError = 3;
    public const int StartFailed = 1;

    // Set by StopWithError; a process runs one host, so the exit code it asks for is process-wide.
    private static int s_exitCode;

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
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Anything else a start can throw (the host has logged it in full): one line and an
            // exit code, never an unhandled exception that aborts the process.
            await Console.Error.WriteLineAsync($"{name} failed: {ex.Message}").ConfigureAwait(false);
            return StartFailed;
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
