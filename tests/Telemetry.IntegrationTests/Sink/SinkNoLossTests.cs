using Telemetry.Tests.Infrastructure;

namespace Telemetry.Tests.Sink;

/// <summary>
/// <c>telemetry pub</c> into <c>telemetry sink</c> loses nothing, however fast the machine: the
/// publisher waits for the sink (back-pressure) instead of dropping at ZeroMQ's high-water mark.
/// </summary>
[Collection(Telemetry.Tests.Cli.CliProcesses.Name)]
public class SinkNoLossTests
{
    private static string Cli => RepoPaths.Program("cli", "telemetry");

    [Fact]
    public async Task A_hundred_thousand_records_from_telemetry_pub_reach_the_files_once_each_in_order()
    {
        await RunAsync(100_000, freezeSink: false);
    }

    [SkippableFact]
    public async Task A_sink_frozen_while_telemetry_pub_streams_and_exits_loses_nothing()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "SIGSTOP is how the test freezes the sink");

        // More than the operating system's socket buffers hold (about 13 MB on the wire), so most
        // of it waits in the publisher's own queue when the publisher reaches the end of its input.
        await RunAsync(300_000, freezeSink: true);
    }

    private static async Task RunAsync(int records, bool freezeSink)
    {
        string endpoint = FreePort.TcpEndpoint();
        string dir = Directory.CreateTempSubdirectory("telemetry-sink-noloss-").FullName;
        try
        {
            await using var sink = await SinkFiles.StartSinkAsync(endpoint, dir);
            await using var publisher = ChildProcess.StartDotnet(Cli, "pub", "--connect", endpoint, "--name", "app", "--wait-for-subscriber", "60");
            if (freezeSink)
            {
                // The first record on disk says the link is up; then the sink is frozen for two
                // seconds (well inside the 5 s heartbeat timeout after which a link counts as dead)
                // while the publisher reads all its input and reaches its end.
                await SinkFiles.FeedLogLinesAsync(publisher, "app", 1, "NoLoss.Test", closeInput: false);
                await Eventually.Until(() => SinkFiles.CompleteLines(dir) == 1, 60_000, "the first record should reach the sink\n" + sink.Describe());
                sink.Stop();
                var feeding = SinkFiles.FeedLogLinesAsync(publisher, "app", records, "NoLoss.Test", first: 2);
                await Task.Delay(2000);
                sink.Continue();
                await feeding;
            }
            else
            {
                await SinkFiles.FeedLogLinesAsync(publisher, "app", records, "NoLoss.Test");
            }

            Assert.Equal(0, await publisher.WaitForExitAsync(TimeSpan.FromSeconds(120)));
            await Eventually.UntilAsync(
                () => Task.FromResult(SinkFiles.CompleteLines(dir) >= records),
                60_000,
                () => $"every record should reach the files: {SinkFiles.CompleteLines(dir)} of {records} lines\nsink {sink.Describe()}\npub {publisher.Describe()}");
            sink.Terminate();
            Assert.Equal(0, await sink.WaitForExitAsync(TimeSpan.FromSeconds(30)));

            var sequences = SinkFiles.Sequences(SinkFiles.ReadWholeLines(Directory.GetFiles(dir, "*.jsonl")));
            Assert.Equal(Enumerable.Range(1, records).Select(i => (ulong)i), sequences);
            Assert.DoesNotContain(sink.StderrLines, l => l.StartsWith("gap ", StringComparison.Ordinal));
            Assert.Contains(sink.StderrLines, l => l.StartsWith($"sink stopped: {records} records", StringComparison.Ordinal) && l.Contains(" 0 gap(s)", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
