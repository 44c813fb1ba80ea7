using System.CommandLine;
using NetMQ;
using Telemetry.Cli.Sink;
using Telemetry.Cli.Terminal;

namespace Telemetry.Cli.Commands;

/// <summary>
/// <c>telemetry sink</c>: the central logging sink. Binds, receives from many publishers, and writes
/// every record as a JSON line (the format of <c>sub --json</c>) into rotating files.
/// </summary>
/// <remarks>
/// The receive thread only copies each batch into a <see cref="BatchQueue"/> bounded in bytes; the
/// <see cref="SinkWriter"/> thread formats and writes. So the disk never holds up the socket: when
/// the writer falls behind by the whole buffer, the sink stops reading and TCP pushes back on the
/// publishers, which wait (telemetry pub, the logging provider) or drop and count, by their settings.
/// </remarks>
internal static class SinkCommand
{
    public static Command Create()
    {
        var bind = CliOptions.Bind("Endpoint applications connect to, e.g. tcp://0.0.0.0:5570.");
        var connect = CliOptions.Connect("Publisher or relay to connect to instead.");
        var prefix = CliOptions.Prefix();
        var output = new Option<DirectoryInfo>("--out") { Description = "Directory for the JSON-lines files.", Required = true, HelpName = "DIR" };
        var maxBytes = new Option<long>("--max-file-bytes") { Description = "Start a new file at this size.", DefaultValueFactory = _ => 256L << 20, HelpName = "N" };
        var maxAge = new Option<int>("--max-file-seconds") { Description = "Start a new file after this many seconds.", DefaultValueFactory = _ => 3600, HelpName = "N" };
        var fsync = new Option<double>("--fsync-interval")
        {
            Description = "Longest time written lines stay in the operating system's cache before an fsync puts them on the disk; 0 = after every write. "
                + "Lines are handed to the operating system, whole, as soon as they are formatted: a killed sink loses only what it had received and not yet written (its buffer, at most --buffer-bytes, and what was in flight on its connections; see docs/sink.md), "
                + "a machine crash or power loss also up to this many seconds of written lines.",
            DefaultValueFactory = _ => 1.0,
            HelpName = "SECONDS",
        };
        var bufferBytes = new Option<long>("--buffer-bytes")
        {
            Description = "Most bytes of received batches waiting for the writer; when full, the sink stops reading and the publishers are pushed back.",
            DefaultValueFactory = _ => 64L << 20,
            HelpName = "N",
        };
        var metricsPort = new Option<int>("--metrics-port") { Description = "Prometheus /metrics port; 0 turns it off.", DefaultValueFactory = _ => 9103, HelpName = "N" };
        // A sink's promise is every record, in order, whatever its kind.
        var repair = CliOptions.Repair(GapRepair.Hold);
        var command = new Command("sink", "Receive log records (or any records) from many publishers and write them to rotating JSON-lines files.")
        {
            bind, connect, prefix, output, maxBytes, maxAge, fsync, bufferBytes, metricsPort, repair,
        };
        CliOptions.RequireEndpoint(command, connect, bind);
        CliOptions.RequireAtLeast(command, maxBytes, 1024L);
        CliOptions.RequireAtLeast(command, maxAge, 1);
        CliOptions.RequireAtLeast(command, fsync, 0.0);
        CliOptions.RequireAtLeast(command, bufferBytes, 1L << 20);
        var security = new Security.LinkSecurityOptions();
        security.AddTo(command);
        command.SetAction((result, cancellationToken) =>
        {
            var options = new SubscriberOptions
            {
                Bind = result.GetValue(bind) ?? [],
                Connect = result.GetValue(connect) ?? [],
                Prefixes = result.GetValue(prefix) ?? [string.Empty],
                GapRepair = result.GetValue(repair),
            };
            var settings = new Settings(
                result.GetValue(output)!,
                result.GetValue(maxBytes),
                TimeSpan.FromSeconds(result.GetValue(maxAge)),
                TimeSpan.FromSeconds(result.GetValue(fsync)),
                result.GetValue(bufferBytes),
                result.GetValue(metricsPort));
            return security.TryApply(result, options, out options, out var error)
                ? RunAsync(options, settings, cancellationToken)
                : Task.FromResult(Stderr.Fail(error!));
        });
        return command;
    }

    private static async Task<int> RunAsync(SubscriberOptions options, Settings settings, CancellationToken cancellationToken)
    {
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            return Stderr.Fail(string.Join(" ", problems));
        }

        var directory = settings.Directory.FullName;
        Directory.CreateDirectory(directory);
        var checkpoint = SinkCheckpoint.Load(directory, out string? unreadable);
        if (unreadable is not null)
        {
            Stderr.Line($"telemetry sink: {unreadable}");
        }

        // Every stream the last run wrote continues where it stopped: what was published since is
        // asked for from the publishers' windows.
        options = options with { ResumeFrom = checkpoint.Resume };
        TelemetrySubscriber subscriber;
        try
        {
            subscriber = new TelemetrySubscriber(options);
        }
        catch (NetMQException ex)
        {
            return Stderr.Fail($"cannot open the sink on {string.Join(", ", options.Bind.Concat(options.Connect))}: {Stderr.Reason(ex)}");
        }

        using var files = new RotatingFileWriter(directory, settings.MaxFileBytes, settings.MaxFileAge, settings.FsyncInterval, TimeProvider.System);
        var queue = new BatchQueue(settings.BufferBytes);
        var writer = new SinkWriter(queue, files, checkpoint, TimeProvider.System);
        try
        {
            using (subscriber)
            using (new SinkMetrics(settings.MetricsPort, subscriber, queue, writer))
            {
                subscriber.GapDetected += (_, e) => Stderr.Line(
                    $"gap topic={TerminalText.Escape(e.Topic)} publisher={TerminalText.Escape(e.Publisher)} session={e.Session} missing={e.FirstMissing}..{e.LastMissing} count={e.Count}");
                subscriber.PublisherRestarted += (_, e) => Stderr.Line(
                    $"restart topic={TerminalText.Escape(e.Topic)} publisher={TerminalText.Escape(e.Publisher)} session={e.PreviousSession}->{e.Session}");
                subscriber.Start((in RecordBatch batch) => queue.Add(batch));
                Stderr.Line($"sink writing to {directory}, listening on {string.Join(", ", subscriber.BoundEndpoints.Concat(options.Connect))}");
                return await ServeAsync(subscriber, queue, writer, files, checkpoint, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            // However the run ends (a metrics port already taken throws), the writer thread ends too.
            queue.Complete();
        }
    }

    /// <summary>Runs until Ctrl+C, SIGTERM or a writer failure; then writes everything received and says what it did.</summary>
    private static async Task<int> ServeAsync(TelemetrySubscriber subscriber, BatchQueue queue, SinkWriter writer, RotatingFileWriter files, SinkCheckpoint checkpoint, CancellationToken cancellationToken)
    {
        try
        {
            await Task.WhenAny(writer.Completion, Task.Delay(Timeout.Infinite, cancellationToken)).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        // Stop receiving first (a receive thread waiting for room gets it as the writer goes on),
        // then let the writer write everything received, then fsync and close the last file.
        await subscriber.DisposeAsync().ConfigureAwait(false);
        queue.Complete();
        bool failed = await writer.Completion.ContinueWith(t => t.IsFaulted, TaskScheduler.Default).ConfigureAwait(false);
        int fileCount = files.Rotations + (files.CurrentPath is null ? 0 : 1);
        files.Dispose();
        checkpoint.SaveIfChanged(null, 0); // the last file is closed and synced: everything is on the disk
        var stats = subscriber.GetStats();
        Stderr.Line($"sink stopped: {writer.Written} records in {fileCount} file(s), {stats.Gaps} gap(s), {stats.MissingRecords} missing, {stats.Malformed} malformed, {writer.Lost} not written");
        return failed ? 1 : 0;
    }

    private sealed record Settings(DirectoryInfo Directory, long MaxFileBytes, TimeSpan MaxFileAge, TimeSpan FsyncInterval, long BufferBytes, int MetricsPort);
}
