using System.CommandLine;
using NetMQ;
using Telemetry.Cli.Output;
using Telemetry.Cli.Terminal;

namespace Telemetry.Cli.Commands;

/// <summary><c>telemetry sub</c>: prints records as they arrive, as text or JSON lines.</summary>
internal static class SubCommand
{
    private static readonly TimeSpan FlushInterval = TimeSpan.FromMilliseconds(100);

    public static Command Create()
    {
        var connect = CliOptions.Connect("Publisher or relay to connect to, e.g. tcp://127.0.0.1:5556.");
        var bind = CliOptions.Bind("Endpoint to bind, for publishers that connect to this subscriber.");
        var prefix = CliOptions.Prefix();
        var json = new Option<bool>("--json") { Description = "One JSON object per line, with the field names pub reads." };
        var count = new Option<long?>("--count") { Description = "Exit (with 0) after this many records.", HelpName = "N" };
        var snapshot = new Option<bool>("--snapshot") { Description = "Start with the latest record of every topic (late join), from the snapshot service at each --connect port + 1." };
        var repair = CliOptions.Repair(GapRepair.ByKind);
        var conflate = CliOptions.Conflate();
        var command = new Command("sub", "Subscribe and print records as they arrive; gaps and publisher restarts go to stderr.")
        {
            connect, bind, prefix, json, count, snapshot, repair, conflate,
        };
        var security = new Security.LinkSecurityOptions();
        security.AddTo(command);
        CliOptions.RequireEndpoint(command, connect, bind);
        command.Validators.Add(result =>
        {
            if (result.GetValue(count) is < 1)
            {
                result.AddError("--count must be at least 1.");
            }
        });
        command.SetAction((result, cancellationToken) =>
        {
            var options = new SubscriberOptions
            {
                Connect = result.GetValue(connect) ?? [],
                Bind = result.GetValue(bind) ?? [],
                Prefixes = result.GetValue(prefix) ?? [string.Empty],
                Snapshot = result.GetValue(snapshot),
                GapRepair = result.GetValue(repair),
                Conflation = result.GetValue(conflate),
            };
            return security.TryApply(result, options, out options, out var error)
                ? RunAsync(options, result.GetValue(json), result.GetValue(count), cancellationToken)
                : Task.FromResult(Stderr.Fail(error!));
        });
        return command;
    }

    private static async Task<int> RunAsync(SubscriberOptions options, bool json, long? count, CancellationToken cancellationToken)
    {
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            return Stderr.Fail(string.Join(" ", problems));
        }

        var finished = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var output = new BufferedStdout(Console.OpenStandardOutput(), FlushInterval, () => finished.TrySetResult());
        using BatchFormatter formatter = json ? new JsonRecordFormatter() : new TextRecordFormatter();
        TelemetrySubscriber subscriber;
        try
        {
            subscriber = new TelemetrySubscriber(options);
        }
        catch (NetMQException ex)
        {
            return Stderr.Fail($"cannot open the subscriber on {string.Join(", ", options.Bind.Concat(options.Connect))}: {Stderr.Reason(ex)}");
        }

        bool interrupted = false;
        long printed = 0;
        using (subscriber)
        {
            subscriber.GapDetected += (_, e) => Stderr.Line(
                $"gap topic={TerminalText.Escape(e.Topic)} publisher={TerminalText.Escape(e.Publisher)} session={e.Session} missing={e.FirstMissing}..{e.LastMissing} count={e.Count}");
            subscriber.PublisherRestarted += (_, e) => Stderr.Line(
                $"restart topic={TerminalText.Escape(e.Topic)} publisher={TerminalText.Escape(e.Publisher)} session={e.PreviousSession}->{e.Session} first={e.FirstSequence}");

            // Touched only on the receive thread until the subscriber is disposed (which joins it).
            long remaining = count ?? long.MaxValue;
            subscriber.Start((in RecordBatch batch) =>
            {
                if (remaining <= 0)
                {
                    return;
                }

                int written;
                string? error;
                using (var scope = output.BeginWrite())
                {
                    written = formatter.Format(batch, (int)Math.Min(remaining, int.MaxValue), scope.Writer, out error);
                }

                remaining -= written;
                printed += written;
                if (error is not null)
                {
                    Stderr.Line($"malformed topic={TerminalText.Escape(batch.Header.Topic)} publisher={TerminalText.Escape(batch.Header.Publisher)} {TerminalText.Escape(error)}");
                }

                if (remaining <= 0)
                {
                    finished.TrySetResult();
                }
            });

            try
            {
                await finished.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C or SIGTERM: a normal way to stop watching.
                interrupted = true;
            }
        }

        // The receive thread has stopped: what it wrote is complete and can go out.
        output.Flush();
        if (interrupted)
        {
            // Only when stopped by a signal: a finished --count run says nothing on stderr, so scripts can check it is empty.
            Stderr.Line($"sub stopped: {printed} records");
        }

        return 0;
    }
}
