using System.Text.Json;
using System.Text.RegularExpressions;
using Telemetry.Tests.Infrastructure;

namespace Telemetry.Tests.Cli;

[Collection(CliProcesses.Name)]
public partial class CliGapTests
{
    [SkippableFact]
    public async Task Records_lost_while_sub_is_frozen_are_reported_on_stderr_with_their_exact_range_when_repair_is_off()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "freezes the subscriber with SIGSTOP");
        string stdoutFile = Path.Combine(Path.GetTempPath(), $"telemetry-cli-gap-{Guid.NewGuid():N}.jsonl");
        try
        {
            // High-water mark 1: once the frozen subscriber's socket buffers are full, the publisher drops.
            await using var publisher = new TelemetryPublisher<RawRecord>(new PublisherOptions { Name = "flood", Bind = ["tcp://127.0.0.1:*"], SendHighWatermark = 1 });
            await using var sub = TelemetryCli.StartToFile(stdoutFile, "sub", "--connect", publisher.BoundEndpoints[0], "--prefix", "bulk.", "--json", "--repair", "off");
            await Eventually.Until(() => publisher.GetStats().Subscriptions == 1, because: "sub subscribes");

            // 16 KiB per record, as one MessagePack bin value.
            var blob = new byte[3 + 16 * 1024];
            blob[0] = 0xc5;
            blob[1] = 0x40;
            var topic = publisher.Topic("bulk.blob", "blob");
            var record = new RawRecord(blob);

            // The stream must be tracked before the loss, or the first record seen just starts it.
            publisher.Publish(topic, record);
            await Eventually.Until(() => File.Exists(stdoutFile) && new FileInfo(stdoutFile).Length > 0, because: "the first record is printed");

            TelemetryCli.Signal(sub, "STOP");
            try
            {
                // 160 MiB: several times what the kernel can buffer on a loopback connection (rmem up to 32 MiB, wmem 4 MiB).
                for (int i = 0; i < 10_000; i++)
                {
                    publisher.Publish(topic, record);
                }

                await publisher.FlushAsync();
            }
            finally
            {
                TelemetryCli.Signal(sub, "CONT");
            }

            // After the loss only a later record can reveal it: keep sending one at a time until sub reports it.
            await Eventually.Until(
                () =>
                {
                    publisher.Publish(topic, record);
                    return sub.StderrLines.Any(l => l.StartsWith("gap ", StringComparison.Ordinal));
                },
                timeoutMs: 60_000,
                because: "sub reports the gap");

            sub.Terminate();
            Assert.True(await sub.WaitForExitAsync(TelemetryCli.ExitTimeout) == 0, sub.Describe());

            var gaps = sub.StderrLines.Where(l => l.StartsWith("gap ", StringComparison.Ordinal)).Select(ParseGap).ToArray();
            var printed = File.ReadLines(stdoutFile).Select(SeqOf).ToList();

            Assert.All(gaps, gap => Assert.Equal(("bulk.blob", "flood"), (gap.Topic, gap.Publisher)));
            Assert.Equal(printed.Order(), printed);
            ulong last = printed[^1];
            Assert.True(gaps.Sum(g => (long)(g.Last - g.First + 1)) > 0);

            // Printed and reported missing together are exactly 1..last, each number once.
            var accounted = printed.Concat(gaps.SelectMany(g => Range(g.First, g.Last))).Order().ToArray();
            Assert.Equal(Range(1, last), accounted);
            Assert.All(gaps, gap => Assert.Contains(gap.Last + 1, printed));
        }
        finally
        {
            File.Delete(stdoutFile);
        }
    }

    [SkippableFact]
    public async Task Records_lost_while_sub_is_frozen_are_repaired_and_each_printed_once()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "freezes the subscriber with SIGSTOP");
        string stdoutFile = Path.Combine(Path.GetTempPath(), $"telemetry-cli-repair-{Guid.NewGuid():N}.jsonl");
        try
        {
            // The same loss as above (a frozen sub behind a 1-message high-water mark), with repair:
            // everything the publisher's window still holds comes back. Immediate, not held: 40 MiB
            // behind a hole is more than a held stream keeps (MaxHeldBytes, 16 MiB).
            await using var publisher = new TelemetryPublisher<RawRecord>(new PublisherOptions { Name = "flood", Bind = ["tcp://127.0.0.1:*"], SendHighWatermark = 1 });
            await using var sub = TelemetryCli.StartToFile(stdoutFile, "sub", "--connect", publisher.BoundEndpoints[0], "--prefix", "bulk.", "--json", "--repair", "immediate");
            await Eventually.Until(() => publisher.GetStats().Subscriptions == 1, because: "sub subscribes");
            var blob = new byte[3 + 1024];
            blob[0] = 0xc5;
            blob[1] = 0x04;
            var topic = publisher.Topic("bulk.blob", "blob");
            var record = new RawRecord(blob);
            publisher.Publish(topic, record);
            await Eventually.Until(() => File.Exists(stdoutFile) && new FileInfo(stdoutFile).Length > 0, because: "the first record is printed");

            const int total = 40_000; // 40 MiB of 1 KiB records: more than the loopback connection buffers
            TelemetryCli.Signal(sub, "STOP");
            try
            {
                for (int i = 1; i < total; i++)
                {
                    publisher.Publish(topic, record);
                }

                await publisher.FlushAsync();
            }
            finally
            {
                TelemetryCli.Signal(sub, "CONT");
            }

            // Nothing more is published: the stream heartbeat reveals a lost tail.
            await Eventually.Until(() => File.ReadLines(stdoutFile).Count() >= total || sub.StderrLines.Any(l => l.StartsWith("gap ", StringComparison.Ordinal)), 60_000, "sub prints every record");
            sub.Terminate();
            Assert.True(await sub.WaitForExitAsync(TelemetryCli.ExitTimeout) == 0, sub.Describe());

            Assert.DoesNotContain(sub.StderrLines, l => l.StartsWith("gap ", StringComparison.Ordinal));
            Assert.Equal(Range(1, total), File.ReadLines(stdoutFile).Select(SeqOf).Order());
            Assert.True(publisher.GetStats().Retransmit.RecordsResent > 0, "the frozen sub must have lost records that were then resent");
        }
        finally
        {
            File.Delete(stdoutFile);
        }
    }

    private static ulong SeqOf(string line)
    {
        using var json = JsonDocument.Parse(line);
        return json.RootElement.GetProperty("seq").GetUInt64();
    }

    private static IEnumerable<ulong> Range(ulong first, ulong last)
    {
        for (ulong s = first; s <= last; s++)
        {
            yield return s;
        }
    }

    private static (string Topic, string Publisher, ulong First, ulong Last) ParseGap(string line)
    {
        var match = GapLine().Match(line);
        Assert.True(match.Success, line);
        return (match.Groups[1].Value, match.Groups[2].Value, ulong.Parse(match.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture), ulong.Parse(match.Groups[4].Value, System.Globalization.CultureInfo.InvariantCulture));
    }

    [GeneratedRegex(@"^gap topic=(\S+) publisher=(\S+) session=\d+ missing=(\d+)\.\.(\d+) count=\d+$")]
    private static partial Regex GapLine();
}
