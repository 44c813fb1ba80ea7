using System.CommandLine;
using Telemetry.Cli.Commands;
using Telemetry.Cli.Terminal;

namespace Telemetry.Cli;

/// <summary>Entry point of the <c>telemetry</c> tool.</summary>
internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        Hosting.PrometheusDefaults.Apply();
        var root = new RootCommand("Telemetry command-line tool: watch, measure and publish Telemetry streams.")
        {
            SubCommand.Create(),
            StatCommand.Create(),
            PubCommand.Create(),
            SinkCommand.Create(),
            KeygenCommand.Create(),
            TokenCommand.Create(),
        };

        // Signals are handled here rather than by System.CommandLine, whose handler reports 130/143
        // even after a clean stop: stopping a watch with Ctrl+C is success once output is flushed.
        using var shutdown = new ShutdownSignal();

        // Exceptions are handled here too: System.CommandLine's handler prints each with its stack
        // trace, and a /metrics port already taken is a one-line mistake for the operator to fix.
        var invocation = new InvocationConfiguration { ProcessTerminationTimeout = null, EnableDefaultExceptionHandler = false };
        try
        {
            return await root.Parse(args).InvokeAsync(invocation, shutdown.Token).ConfigureAwait(false);
        }
        catch (Hosting.MetricsUnavailableException ex)
        {
            return Stderr.Fail(ex.Message);
        }
        catch (OperationCanceledException)
        {
            return 1;
        }
        catch (Exception ex)
        {
            // What System.CommandLine's own handler does with anything else: a bug, shown in full.
            await Console.Error.WriteLineAsync("Unhandled exception: " + ex).ConfigureAwait(false);
            return 1;
        }
    }
}
