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
        var invocation = new InvocationConfiguration { ProcessTerminationTimeout = null };
        return await root.Parse(args).InvokeAsync(invocation, shutdown.Token).ConfigureAwait(false);
    }
}
