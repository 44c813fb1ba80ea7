using System.Globalization;
using Telemetry.Tests.Infrastructure;

namespace Telemetry.Tests.Sink;

/// <summary>What a sink leaves on disk when it is killed, and what a restarted sink does with the files it finds.</summary>
[Collection(Telemetry.Tests.Cli.CliProcesses.Name)]
public class SinkDurabilityTests
{
    private static string Cli => RepoPaths.Program("cli", "telemetry");

    [SkippableFact]
    public async Task A_sink_killed_while_records_stream_in_leaves_whole_lines_in_order_and_its_successor_a_new_file_that_continues_with_nothing_lost()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "the sinks are killed with SIGKILL");
        string endpoint = FreePort.TcpEndpoint();
        string dir = Directory.CreateTempSubdirectory("telemetry-sink-kill-").FullName;
        try
        {
            // One publisher streams far more than the test waits for, so each kill lands mid-stream.
            await using var publisher = ChildProcess.StartDotnet(Cli, "pub", "--connect", endpoint, "--name", "app", "--wait-for-subscriber", "60");
            var feeding = SinkFiles.FeedUntilKilledAsync(publisher, "app", 2_000_000, "Kill.Test");

            var first = await SinkFiles.StartSinkAsync(endpoint, dir);
            await Eventually.Until(() => SinkFiles.CompleteLines(dir) >= 20_000, 120_000, "records should stream into the first sink\n" + first.Describe());
            first.Kill();
            await first.WaitForExitAsync(TimeSpan.FromSeconds(30));

            var firstFiles = Directory.GetFiles(dir, "*.jsonl").ToDictionary(f => f, File.ReadAllBytes);
            var firstSequences = SinkFiles.Sequences(SinkFiles.ReadWholeLines(firstFiles.Keys));
            Assert.Equal(1UL, firstSequences[0]);
            SinkFiles.AssertContiguous(firstSequences, "the killed sink's files");

            // Restarted at once on the same directory (in the same second or not): a file of its own.
            var second = await SinkFiles.StartSinkAsync(endpoint, dir);
            await Eventually.Until(() => SinkFiles.CompleteLines(dir) >= firstSequences.Count + 20_000, 120_000, "records should stream into the second sink\n" + second.Describe());
            second.Kill();
            await second.WaitForExitAsync(TimeSpan.FromSeconds(30));

            foreach (var (file, bytes) in firstFiles)
            {
                Assert.True(bytes.AsSpan().SequenceEqual(File.ReadAllBytes(file)), $"the restarted sink must not touch {Path.GetFileName(file)}");
            }

            var secondFiles = Directory.GetFiles(dir, "*.jsonl").Except(firstFiles.Keys).ToList();
            Assert.NotEmpty(secondFiles);
            var secondSequences = SinkFiles.Sequences(SinkFiles.ReadWholeLines(secondFiles));
            // Its checkpoint (and the lines after it) say where the first one stopped; what was
            // published while no sink ran came back from the publisher's window: nothing lost, nothing twice.
            Assert.Equal(firstSequences[^1] + 1, secondSequences[0]);
            SinkFiles.AssertContiguous(secondSequences, "the second sink's files");

            publisher.Kill();
            await feeding;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task A_sink_never_writes_into_a_file_that_exists_and_a_restart_in_the_same_second_starts_a_new_one()
    {
        string endpoint = FreePort.TcpEndpoint();
        string dir = Directory.CreateTempSubdirectory("telemetry-sink-names-").FullName;
        try
        {
            // A previous sink's first file for every second of the next few minutes: whenever the
            // sinks below open their files, the name they would take first already exists, exactly
            // as when a sink is restarted within the second its predecessor opened a file.
            var now = DateTimeOffset.UtcNow;
            var previous = Enumerable.Range(-1, 300)
                .Select(s => Path.Combine(dir, $"telemetry-{now.AddSeconds(s).UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)}-0001.jsonl"))
                .ToList();
            foreach (var file in previous)
            {
                File.WriteAllText(file, """{"previous":"sink"}""" + "\n");
            }

            var written = new List<string>();
            for (int run = 1; run <= 2; run++)
            {
                await using var sink = await SinkFiles.StartSinkAsync(endpoint, dir);
                await using var publisher = ChildProcess.StartDotnet(Cli, "pub", "--connect", endpoint, "--name", $"run{run}", "--wait-for-subscriber", "60");
                await SinkFiles.FeedLogLinesAsync(publisher, $"run{run}", 10, "Names.Test");
                Assert.Equal(0, await publisher.WaitForExitAsync(TimeSpan.FromSeconds(60)));
                await Eventually.Until(() => SinkFiles.CompleteLines(dir) == previous.Count + (10 * run), 30_000, "the records should reach a file\n" + sink.Describe());
                sink.Terminate();
                Assert.Equal(0, await sink.WaitForExitAsync(TimeSpan.FromSeconds(30)));

                var created = Directory.GetFiles(dir, "*.jsonl").Except(previous).Except(written).ToList();
                var file = Assert.Single(created);
                Assert.Matches(run == 1 ? "-0002\\.jsonl$" : "-000[23]\\.jsonl$", file);
                Assert.Equal(10, SinkFiles.ReadWholeLines([file]).Count(r => r.GetProperty("publisher").GetString() == $"run{run}"));
                written.Add(file);
            }

            Assert.All(previous, f => Assert.Equal("""{"previous":"sink"}""" + "\n", File.ReadAllText(f)));
            Assert.Equal(10, SinkFiles.ReadWholeLines([written[0]]).Count);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
