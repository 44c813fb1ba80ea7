using System.CommandLine;
using System.Text;
using System.Text.Json;
using NetMQ;
using Telemetry.Cli.Input;
using Telemetry.Cli.Terminal;

namespace Telemetry.Cli.Commands;

/// <summary><c>telemetry pub</c>: publishes JSON lines from stdin, one record per line.</summary>
internal static class PubCommand
{
    private static readonly TimeSpan SubscriberPoll = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan DrainNotice = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan KernelDrainTimeout = TimeSpan.FromSeconds(30);

    public static Command Create()
    {
        var connect = CliOptions.Connect("Endpoint to connect to, e.g. a relay or a sink's bound subscriber.");
        var bind = CliOptions.Bind("Endpoint to bind for subscribers, e.g. tcp://127.0.0.1:5556.");
        var name = new Option<string?>("--name") { Description = "Publisher name written in every batch. Default: host/pid.", HelpName = "NAME" };
        var wait = new Option<double?>("--wait-for-subscriber")
        {
            Description = "Before reading stdin, wait up to this long for a subscription (topics nobody subscribes to are not sent).",
            HelpName = "SECONDS",
        };
        var command = new Command("pub", "Publish JSON lines from stdin, e.g. {\"topic\":\"md.SIM.AAPL\",\"kind\":\"tick\",\"price\":101.25}; the fields are those sub --json prints.")
        {
            connect, bind, name, wait,
        };
        var security = new Security.LinkSecurityOptions();
        security.AddTo(command);
        CliOptions.RequireEndpoint(command, connect, bind);
        command.Validators.Add(result =>
        {
            if (result.GetValue(wait) is < 0)
            {
                result.AddError("--wait-for-subscriber must not be negative.");
            }
        });
        command.SetAction((result, cancellationToken) =>
        {
            var options = PublisherOptions.Default with
            {
                Connect = result.GetValue(connect) ?? [],
                Bind = result.GetValue(bind) ?? [],

                // Every line read is meant to arrive: a slow subscriber slows the reading of stdin
                // (back-pressure) instead of losing records at ZeroMQ's high-water mark.
                SlowSubscriberMode = SlowSubscriberMode.Wait,
            };
            if (result.GetValue(name) is { } publisherName)
            {
                options = options with { Name = publisherName };
            }

            if (!security.TryApply(result, options, out options, out var error))
            {
                return Task.FromResult(Stderr.Fail(error!));
            }

            var waitFor = result.GetValue(wait) is { } seconds ? TimeSpan.FromSeconds(seconds) : (TimeSpan?)null;
            return RunAsync(options, waitFor, Console.OpenStandardInput(), cancellationToken);
        });
        return command;
    }

    private static async Task<int> RunAsync(PublisherOptions options, TimeSpan? waitForSubscriber, Stream stdin, CancellationToken cancellationToken)
    {
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            return Stderr.Fail(string.Join(" ", problems));
        }

        TelemetryPublisher<RawRecord> publisher;
        try
        {
            publisher = new TelemetryPublisher<RawRecord>(options);
        }
        catch (NetMQException ex)
        {
            return Stderr.Fail($"cannot open the publisher on {string.Join(", ", options.Bind.Concat(options.Connect))}: {Stderr.Reason(ex)}");
        }

        await using (publisher.ConfigureAwait(false))
        {
            try
            {
                if (waitForSubscriber is { } timeout && !await WaitForSubscriberAsync(publisher, timeout, cancellationToken).ConfigureAwait(false))
                {
                    Stderr.Line($"telemetry pub: no subscriber after {timeout.TotalSeconds:0.###} s; publishing anyway");
                }

                // Reading stdin blocks a thread and cannot be cancelled; run it apart so Ctrl+C
                // still reaches the flush below.
                var reading = Task.Factory.StartNew(
                    () => PublishLines(publisher, stdin, cancellationToken),
                    cancellationToken,
                    TaskCreationOptions.LongRunning,
                    TaskScheduler.Default);
                await reading.WaitAsync(cancellationToken).ConfigureAwait(false);
                await DrainAsync(publisher, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C or SIGTERM: send what was read so far, then stop.
            }

            await publisher.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        }

        return 0;
    }

    /// <summary>
    /// Waits until ZeroMQ has written every queued message to the network: NetMQ drops what is still
    /// queued when the process exits, and a subscriber that is behind can hold a lot of it.
    /// </summary>
    private static async Task DrainAsync(TelemetryPublisher<RawRecord> publisher, CancellationToken cancellationToken)
    {
        var drained = publisher.DrainAsync(cancellationToken);
        if (await Task.WhenAny(drained, Task.Delay(DrainNotice, cancellationToken)).ConfigureAwait(false) != drained && !cancellationToken.IsCancellationRequested)
        {
            Stderr.Line($"telemetry pub: waiting for subscribers to take the last {publisher.GetStats().QueuedBytes} bytes (Ctrl+C to stop)");
        }

        await drained.ConfigureAwait(false);

        // Then until the kernel has delivered it too: exiting with bytes still in a socket's send
        // queue lost the tail of a stream to a subscriber that was catching up.
        if (!await Output.KernelSendQueue.WaitUntilEmptyAsync(KernelDrainTimeout, cancellationToken).ConfigureAwait(false))
        {
            Stderr.Line($"telemetry pub: {Output.KernelSendQueue.Bytes()} bytes still in the kernel after {KernelDrainTimeout.TotalSeconds:F0} s; exiting");
        }
    }

    private static async Task<bool> WaitForSubscriberAsync(TelemetryPublisher<RawRecord> publisher, TimeSpan timeout, CancellationToken cancellationToken)
    {
        long deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        while (publisher.GetStats().Subscriptions < 1)
        {
            if (Environment.TickCount64 >= deadline)
            {
                return false;
            }

            await Task.Delay(SubscriberPoll, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    private static void PublishLines(TelemetryPublisher<RawRecord> publisher, Stream stdin, CancellationToken cancellationToken)
    {
        var parser = new JsonRecordParser(TimeProvider.System);
        using var reader = new StreamReader(stdin, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), detectEncodingFromByteOrderMarks: true, bufferSize: 64 * 1024);
        long lineNumber = 0;
        while (!cancellationToken.IsCancellationRequested && reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            try
            {
                var record = parser.Parse(line);
                publisher.Publish(publisher.Topic(record.Topic, record.Kind), new RawRecord(record.MessagePack));
            }
            catch (JsonException ex)
            {
                Stderr.Line($"telemetry pub: line {lineNumber}: invalid JSON: {ex.Message}");
            }
            catch (Exception ex) when (ex is FormatException or ArgumentException)
            {
                // A bad line costs that line only; the stream goes on.
                Stderr.Line($"telemetry pub: line {lineNumber}: {TerminalText.Escape(ex.Message)}");
            }
            catch (ObjectDisposedException)
            {
                return;
            }
        }
    }
}
