using System.CommandLine;
using NetMQ;
using Telemetry.Cli.Stats;
using Telemetry.Cli.Terminal;

namespace Telemetry.Cli.Commands;

/// <summary><c>telemetry stat</c>: a per-topic table of rates, gaps and latency, refreshed every second.</summary>
internal static class StatCommand
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    public static Command Create()
    {
        var connect = CliOptions.Connect("Publisher or relay to connect to.");
        var prefix = CliOptions.Prefix();
        var duration = new Option<int?>("--duration") { Description = "Exit after this many seconds (for scripts).", HelpName = "SECONDS" };
        var top = new Option<int>("--top") { Description = "Show the N busiest topics.", HelpName = "N", DefaultValueFactory = _ => 20 };
        var repair = CliOptions.Repair(GapRepair.ByKind);
        var conflate = CliOptions.Conflate();
        var command = new Command("stat", "Live per-topic table: records/s, totals, gaps, missing, repaired, resynced and conflated records, latency p50/p99, publishers.")
        {
            connect, prefix, duration, top, repair, conflate,
        };
        CliOptions.RequireEndpoint(command, connect);
        CliOptions.RequireAtLeast(command, top, 1);
        command.Validators.Add(result =>
        {
            if (result.GetValue(duration) is < 1)
            {
                result.AddError("--duration must be at least 1 second.");
            }
        });
        var security = new Security.LinkSecurityOptions();
        security.AddTo(command);
        command.SetAction((result, cancellationToken) =>
        {
            var options = new SubscriberOptions { Connect = result.GetValue(connect) ?? [], Prefixes = result.GetValue(prefix) ?? [string.Empty], GapRepair = result.GetValue(repair), Conflation = result.GetValue(conflate) };
            return security.TryApply(result, options, out options, out var error)
                ? RunAsync(options, result.GetValue(duration), result.GetValue(top), TimeProvider.System, cancellationToken)
                : Task.FromResult(Stderr.Fail(error!));
        });
        return command;
    }

    private static async Task<int> RunAsync(SubscriberOptions options, int? durationSeconds, int top, TimeProvider time, CancellationToken cancellationToken)
    {
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            return Stderr.Fail(string.Join(" ", problems));
        }

        var collector = new StatsCollector(time);
        TelemetrySubscriber subscriber;
        try
        {
            subscriber = new TelemetrySubscriber(options);
        }
        catch (NetMQException ex)
        {
            return Stderr.Fail($"cannot open the subscriber on {string.Join(", ", options.Connect)}: {Stderr.Reason(ex)}");
        }

        int intervals = 0;
        bool interrupted = false;
        using (subscriber)
        {
            subscriber.GapDetected += (_, gap) => collector.OnGap(gap);
            subscriber.Start((in RecordBatch batch) => collector.OnBatch(batch.Header));

            // On a terminal the table is redrawn in place; into a file or pipe each interval is appended as plain text.
            bool redraw = !Console.IsOutputRedirected;
            using var timer = new PeriodicTimer(Interval, time);
            try
            {
                while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
                {
                    string table = StatTable.Render(collector.TakeSnapshot(), top, time.GetLocalNow());
                    await Console.Out.WriteAsync(redraw ? "\e[H\e[J" + table : table + "\n").ConfigureAwait(false);
                    await Console.Out.FlushAsync(CancellationToken.None).ConfigureAwait(false);
                    intervals++;
                    if (durationSeconds is { } seconds && intervals >= seconds)
                    {
                        break;
                    }
                }
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C or SIGTERM ends the watch normally.
                interrupted = true;
            }
        }

        if (interrupted)
        {
            // On stderr, below the last table (stdout stays tables only); a --duration run ends without it.
            Stderr.Line($"stat stopped: {subscriber.GetStats().Records} records in {intervals} interval(s)");
        }

        return 0;
    }
}
