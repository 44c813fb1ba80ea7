using System.Text.Json;
using Telemetry.Tests.Infrastructure;

namespace Telemetry.Tests.Sink;

/// <summary>What the sink tests share: feeding log lines to a <c>telemetry pub</c> process, starting a sink, and reading what it wrote.</summary>
internal static class SinkFiles
{
    private static string Cli => RepoPaths.Program("cli", "telemetry");

    /// <summary>
    /// Writes JSON log lines <paramref name="first"/>..<paramref name="last"/> ("line N from APP"; the
    /// publisher numbers them 1, 2, ... in the order written) to the publisher's stdin, then closes it
    /// unless told not to.
    /// </summary>
    public static async Task FeedLogLinesAsync(ChildProcess publisher, string app, int last, string category, int first = 1, bool closeInput = true)
    {
        for (int n = first; n <= last; n++)
        {
            await publisher.StandardInput.WriteLineAsync(
                $$"""{"topic":"log.{{app}}.Information","kind":"log","timestamp_ns":{{n}},"level":"Information","category":"{{category}}","message":"line {{n}} from {{app}}"}""");
        }

        if (closeInput)
        {
            publisher.StandardInput.Close();
        }
        else
        {
            await publisher.StandardInput.FlushAsync();
        }
    }

    /// <summary>
    /// <see cref="FeedLogLinesAsync"/> for a publisher the test will kill before it has read everything:
    /// the write that finds its stdin closed ends the feed.
    /// </summary>
    public static async Task FeedUntilKilledAsync(ChildProcess publisher, string app, int last, string category)
    {
        try
        {
            await FeedLogLinesAsync(publisher, app, last, category);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Starts <c>telemetry sink</c> on <paramref name="endpoint"/> writing to <paramref name="dir"/> and waits until it listens.</summary>
    public static async Task<ChildProcess> StartSinkAsync(string endpoint, string dir, params string[] extra)
    {
        var sink = ChildProcess.StartDotnet(Cli, ["sink", "--bind", endpoint, "--prefix", "log.", "--out", dir, "--metrics-port", "0", .. extra]);
        await Eventually.Until(() => sink.StderrLines.Any(l => l.StartsWith("sink writing", StringComparison.Ordinal)), 30_000, "the sink should start\n" + sink.Describe());
        return sink;
    }

    /// <summary>
    /// Lines in the sink's files, counted by newline while the sink may still be writing: a line
    /// being written is not complete yet and is not counted.
    /// </summary>
    public static int CompleteLines(string dir) => Directory.GetFiles(dir, "*.jsonl").Sum(f =>
    {
        using var stream = new FileStream(f, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        int count = 0, b;
        while ((b = stream.ReadByte()) >= 0)
        {
            count += b == '\n' ? 1 : 0;
        }

        return count;
    });

    /// <summary>
    /// Every record in <paramref name="files"/>, in file order (names sort by time), checking that
    /// every line is one whole JSON object and that nothing but spaces follows the last line: what a
    /// reader of a killed sink's files must be able to rely on. (The sink pads lines off page
    /// boundaries with spaces, and a write cut by SIGKILL at a page boundary can end in that padding.)
    /// </summary>
    public static List<JsonElement> ReadWholeLines(IEnumerable<string> files)
    {
        var records = new List<JsonElement>();
        foreach (var file in files.Order(StringComparer.Ordinal))
        {
            var bytes = File.ReadAllBytes(file);
            int end = Array.LastIndexOf(bytes, (byte)'\n') + 1;
            Assert.True(bytes.AsSpan(end).IndexOfAnyExcept((byte)' ') < 0, $"{Path.GetFileName(file)} ends mid-line: ...{System.Text.Encoding.UTF8.GetString(bytes[^Math.Min(120, bytes.Length)..])}");
            int line = 0;
            foreach (var text in System.Text.Encoding.UTF8.GetString(bytes, 0, end).Split('\n')[..^1])
            {
                line++;
                try
                {
                    using var document = JsonDocument.Parse(text);
                    records.Add(document.RootElement.Clone());
                }
                catch (JsonException ex)
                {
                    Assert.Fail($"{Path.GetFileName(file)} line {line} is not whole JSON ({ex.Message}): {text}");
                }
            }
        }

        return records;
    }

    /// <summary>The sequence numbers of <paramref name="records"/>, in the order they were written.</summary>
    public static List<ulong> Sequences(IEnumerable<JsonElement> records) => [.. records.Select(r => r.GetProperty("seq").GetUInt64())];

    /// <summary>Asserts that <paramref name="sequences"/> run without a hole or a repeat from their first to their last.</summary>
    public static void AssertContiguous(IReadOnlyList<ulong> sequences, string what)
    {
        Assert.NotEmpty(sequences);
        for (int i = 1; i < sequences.Count; i++)
        {
            Assert.True(sequences[i] == sequences[i - 1] + 1, $"{what}: seq {sequences[i]} follows {sequences[i - 1]} (line {i + 1})");
        }
    }
}
