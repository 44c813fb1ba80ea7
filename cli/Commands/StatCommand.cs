using System.CommandLine;
using NetMQ;
using Spectre.Console;
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

    /// <summary>Spectre.Console onto a redirected stdout: no colour, no cursor movement, wide enough that no row wraps.</summary>
    private static IAnsiConsole PlainConsole()
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(Console.Out),
        });
        console.Profile.Width = 4096;
        return console;
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

            // On a terminal Spectre.Console redraws the table in place; into a file or pipe each
            // interval's table is appended as plain text, without borders or escape sequences.
            bool live = !Console.IsOutputRedirected;
            var console = live ? AnsiConsole.Console : PlainConsole();
            using var timer = new PeriodicTimer(Interval, time);
            async Task Watch(Action<Spectre.Console.Rendering.IRenderable> show)
            {
                try
                {
                    while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
                    {
                        show(StatTable.Render(collector.TakeSnapshot(), top, time.GetLocalNow(), plain: !live));
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

            if (live)
            {
                await console.Live(new Spectre.Console.Text("telemetry stat: waiting for the first interval…"))
                    .StartAsync(context => Watch(table =>
                    {
                        context.UpdateTarget(table);
                        context.Refresh();
                    }))
                    .ConfigureAwait(false);
            }
            else
            {
                await Watch(table =>
                {
                    console.Write(table);
                    console.WriteLine();
                    Console.Out.Flush();
                }).ConfigureAwait(false);
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
