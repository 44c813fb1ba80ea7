using System.CommandLine;
using NetMQ;
using Telemetry.Cli.Output;
using Telemetry.Cli.Sink;
using Telemetry.Cli.Terminal;

namespace Telemetry.Cli.Commands;

/// <summary>
/// <c>telemetry sink</c>: the central logging sink. Binds, receives from many publishers, and writes
/// every record as a JSON line (the format of <c>sub --json</c>) into rotating files.
/// </summary>
internal static class SinkCommand
{
    private static readonly TimeSpan FlushInterval = TimeSpan.FromMilliseconds(200);

    public static Command Create()
    {
        var bind = CliOptions.Bind("Endpoint applications connect to, e.g. tcp://0.0.0.0:5570.");
        var connect = CliOptions.Connect("Publisher or relay to connect to instead.");
        var prefix = CliOptions.Prefix();
        var output = new Option<DirectoryInfo>("--out") { Description = "Directory for the JSON-lines files.", Required = true, HelpName = "DIR" };
        var maxBytes = new Option<long>("--max-file-bytes") { Description = "Start a new file at this size.", DefaultValueFactory = _ => 256L << 20, HelpName = "N" };
        var maxAge = new Option<int>("--max-file-seconds") { Description = "Start a new file after this many seconds.", DefaultValueFactory = _ => 3600, HelpName = "N" };
        var metricsPort = new Option<int>("--metrics-port") { Description = "Prometheus /metrics port; 0 turns it off.", DefaultValueFactory = _ => 9103, HelpName = "N" };
        var command = new Command("sink", "Receive log records (or any records) from many publishers and write them to rotating JSON-lines files.")
        {
            bind, connect, prefix, output, maxBytes, maxAge, metricsPort,
        };
        CliOptions.RequireEndpoint(command, connect, bind);
        CliOptions.RequireAtLeast(command, maxBytes, 1024L);
        CliOptions.RequireAtLeast(command, maxAge, 1);
        var security = new Security.LinkSecurityOptions();
        security.AddTo(command);
        command.SetAction((result, cancellationToken) =>
        {
            var options = new SubscriberOptions
            {
                Bind = result.GetValue(bind) ?? [],
                Connect = result.GetValue(connect) ?? [],
                Prefixes = result.GetValue(prefix) ?? [string.Empty],
            };
            return security.TryApply(result, options, out options, out var error)
                ? RunAsync(options, result.GetValue(output)!, result.GetValue(maxBytes), TimeSpan.FromSeconds(result.GetValue(maxAge)), result.GetValue(metricsPort), cancellationToken)
                : Task.FromResult(Stderr.Fail(error!));
        });
        return command;
    }

    private static async Task<int> RunAsync(SubscriberOptions options, DirectoryInfo directory, long maxBytes, TimeSpan maxAge, int metricsPort, CancellationToken cancellationToken)
    {
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            return Stderr.Fail(string.Join(" ", problems));
        }

        using var files = new RotatingFileWriter(directory.FullName, maxBytes, maxAge, TimeProvider.System);
        using var formatter = new JsonRecordFormatter();
        var lines = new System.Buffers.ArrayBufferWriter<byte>(1 << 16);
        var gate = new Lock();
        long written = 0;
        var streams = new HashSet<(string, string)>();
        TelemetrySubscriber subscriber;
        try
        {
            subscriber = new TelemetrySubscriber(options);
        }
        catch (NetMQException ex)
        {
            return Stderr.Fail($"cannot open the sink on {string.Join(", ", options.Bind.Concat(options.Connect))}: {Stderr.Reason(ex)}");
        }

        using (subscriber)
        using (new SinkMetrics(metricsPort, () => { lock (gate) { return (subscriber.GetStats(), written, files.BytesWritten, files.Rotations, streams.Count); } }))
        {
            subscriber.GapDetected += (_, e) => Stderr.Line(
                $"gap topic={TerminalText.Escape(e.Topic)} publisher={TerminalText.Escape(e.Publisher)} session={e.Session} missing={e.FirstMissing}..{e.LastMissing} count={e.Count}");
            subscriber.PublisherRestarted += (_, e) => Stderr.Line(
                $"restart topic={TerminalText.Escape(e.Topic)} publisher={TerminalText.Escape(e.Publisher)} session={e.PreviousSession}->{e.Session}");

            // The receive thread formats and writes; a slow disk therefore slows the receive thread,
            // and the publishers' high-water marks turn that into reported gaps, never into memory.
            subscriber.Start((in RecordBatch batch) =>
            {
                lock (gate)
                {
                    lines.ResetWrittenCount();
                    int count = formatter.Format(batch, int.MaxValue, lines, out string? error);
                    files.Write(lines.WrittenSpan);
                    written += count;
                    streams.Add((batch.Header.Topic, batch.Header.Publisher));
                    if (error is not null)
                    {
                        Stderr.Line(error);
                    }
                }
            });
            Stderr.Line($"sink writing to {directory.FullName}, listening on {string.Join(", ", subscriber.BoundEndpoints.Concat(options.Connect))}");
            try
            {
                while (!cancellationToken.IsCancellationRequested)
                {
                    await Task.Delay(FlushInterval, cancellationToken).ConfigureAwait(false);
                    lock (gate)
                    {
                        files.Flush();
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }

            // Stop receiving before the last file is fsynced, so nothing is written after it.
            await subscriber.DisposeAsync().ConfigureAwait(false);
            var stats = subscriber.GetStats();
            Stderr.Line($"sink stopped: {written} records in {files.Rotations + (files.CurrentPath is null ? 0 : 1)} file(s), {stats.Gaps} gap(s), {stats.MissingRecords} missing, {stats.Malformed} malformed");
        }

        return 0;
    }
}
