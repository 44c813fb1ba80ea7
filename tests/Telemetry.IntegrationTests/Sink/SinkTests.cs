using System.Text.Json;
using Telemetry.Logging;
using Telemetry.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace Telemetry.Tests.Sink;

[Collection(Telemetry.Tests.Cli.CliProcesses.Name)]
public class SinkTests
{
    private const int PerPublisher = 2000;

    private static string Cli => RepoPaths.Program("cli", "telemetry");

    [Fact]
    public async Task Five_publisher_processes_to_one_sink_put_every_record_on_disk_exactly_once()
    {
        string endpoint = FreePort.TcpEndpoint();
        string dir = Directory.CreateTempSubdirectory("telemetry-sink-").FullName;
        try
        {
            // A small file limit, so the test also crosses several rotations.
            await using var sink = ChildProcess.StartDotnet(Cli, "sink", "--bind", endpoint, "--prefix", "log.", "--out", dir, "--max-file-bytes", "100000", "--metrics-port", "0");
            await Eventually.Until(() => sink.StderrLines.Any(l => l.StartsWith("sink writing", StringComparison.Ordinal)), 30_000, "the sink should start");

            var publishers = Enumerable.Range(0, 5)
                .Select(i => ChildProcess.StartDotnet(Cli, "pub", "--connect", endpoint, "--name", $"app{i}", "--wait-for-subscriber", "30"))
                .ToList();
            try
            {
                await Task.WhenAll(publishers.Select((p, i) => SinkFiles.FeedLogLinesAsync(p, $"app{i}", PerPublisher, "Sink.Test")));
                foreach (var p in publishers)
                {
                    Assert.Equal(0, await p.WaitForExitAsync(TimeSpan.FromSeconds(60)));
                }
            }
            finally
            {
                foreach (var p in publishers)
                {
                    await p.DisposeAsync();
                }
            }

            await Eventually.Until(() => SinkFiles.CompleteLines(dir) == 5 * PerPublisher, 30_000, "every record should reach the files");
            sink.Terminate();
            Assert.Equal(0, await sink.WaitForExitAsync(TimeSpan.FromSeconds(30)));

            var records = Directory.GetFiles(dir, "*.jsonl").SelectMany(File.ReadLines).Select(l => JsonDocument.Parse(l).RootElement).ToList();
            Assert.True(Directory.GetFiles(dir, "*.jsonl").Length > 1, "the 100 kB limit must rotate files");
            Assert.Equal(5 * PerPublisher, records.Count);
            foreach (var app in records.GroupBy(r => r.GetProperty("publisher").GetString()))
            {
                Assert.Equal(Enumerable.Range(1, PerPublisher).Select(i => (ulong)i), app.Select(r => r.GetProperty("seq").GetUInt64()).Order());
                Assert.All(app, r => Assert.Equal($"line {r.GetProperty("seq").GetUInt64()} from {app.Key}", r.GetProperty("message").GetString()));
            }

            Assert.Contains(sink.StderrLines, l => l.Contains("0 gap(s)", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task One_applications_records_on_three_level_topics_are_written_in_the_order_they_were_logged()
    {
        const int Rounds = 3000;
        string endpoint = FreePort.TcpEndpoint();
        string dir = Directory.CreateTempSubdirectory("telemetry-sink-").FullName;
        try
        {
            await using var sink = ChildProcess.StartDotnet(Cli, "sink", "--bind", endpoint, "--prefix", "log.", "--out", dir, "--metrics-port", "0");
            await Eventually.Until(() => sink.StderrLines.Any(l => l.StartsWith("sink writing", StringComparison.Ordinal)), 30_000, "the sink should start");
            await using (var publisher = new TelemetryPublisher<LogRecord>(new PublisherOptions { Name = "ordered", Connect = [endpoint], SlowSubscriberMode = SlowSubscriberMode.Wait }))
            {
                await Eventually.Until(() => publisher.GetStats().Subscriptions == 1, 30_000, "the sink should subscribe");

                // Logged in turn on three topics: the publisher batches per topic, so each round's
                // records leave as one batch per level, not in the order they were logged.
                PublisherTopic[] levels = [publisher.Topic("log.ordered.Information"), publisher.Topic("log.ordered.Warning"), publisher.Topic("log.ordered.Error")];
                long time = 1;
                for (int round = 0; round < Rounds; round++)
                {
                    foreach (var level in levels.Take(1 + (round % 3)))
                    {
                        publisher.Publish(level, new LogRecord(time, LogLevel.Information, "Order", $"logged {time}"));
                        time++;
                    }
                }

                await publisher.FlushAsync();
            }

            int expected = Enumerable.Range(0, Rounds).Sum(r => 1 + (r % 3));
            await Eventually.Until(() => SinkFiles.CompleteLines(dir) == expected, 30_000, () => $"every record should reach the files: {SinkFiles.CompleteLines(dir)} of {expected}\n{sink.Describe()}");
            sink.Terminate();
            Assert.Equal(0, await sink.WaitForExitAsync(TimeSpan.FromSeconds(30)));

            var records = Directory.GetFiles(dir, "*.jsonl").Order(StringComparer.Ordinal).SelectMany(File.ReadLines).Select(l => JsonDocument.Parse(l).RootElement).ToList();
            Assert.Equal(Enumerable.Range(1, expected).Select(t => (long)t), records.Select(r => r.GetProperty("timestamp_ns").GetInt64()));
            foreach (var topic in records.GroupBy(r => r.GetProperty("topic").GetString()))
            {
                var sequences = topic.Select(r => r.GetProperty("seq").GetUInt64()).ToList();
                Assert.Equal(Enumerable.Range(1, sequences.Count).Select(i => (ulong)i), sequences);
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [SkippableFact]
    public async Task A_stopped_sink_process_never_blocks_the_application_that_logs_to_it()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "SIGSTOP is how the test freezes the sink");
        string endpoint = FreePort.TcpEndpoint();
        string dir = Directory.CreateTempSubdirectory("telemetry-sink-").FullName;
        try
        {
            await using var sink = ChildProcess.StartDotnet(Cli, "sink", "--bind", endpoint, "--prefix", "log.", "--out", dir, "--metrics-port", "0");
            using var provider = new TelemetryLoggerProvider(new TelemetryLoggerOptions { Application = "busy-app", Connect = [endpoint], QueueCapacity = 4096 });
            await Eventually.Until(() => provider.GetStats().Subscriptions == 1, 30_000);
            var logger = provider.CreateLogger("Busy");
            logger.LogInformation("before the freeze");
            await Eventually.Until(() => SinkFiles.CompleteLines(dir) == 1, 30_000, "the first record should reach the sink");

            // Freeze the sink: the application keeps logging; every call returns, and what does not fit
            // the queue is dropped and counted.
            System.Diagnostics.Process.Start("kill", ["-STOP", sink.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();
            try
            {
                // Until the first drop, capped far beyond what ZeroMQ and the send budget can hold.
                long calls = 0;
                while (provider.GetStats().DroppedQueueFull == 0 && calls < 5_000_000)
                {
                    logger.LogInformation("during the freeze {Index}", calls++);
                }

                var stats = provider.GetStats();
                Assert.Equal(calls + 1, stats.Published + stats.DroppedQueueFull);
                Assert.True(stats.DroppedQueueFull > 0, "a frozen sink must make the bounded queue drop");
            }
            finally
            {
                System.Diagnostics.Process.Start("kill", ["-CONT", sink.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
