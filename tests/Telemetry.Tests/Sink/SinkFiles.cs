using Telemetry.Tests.Infrastructure;

namespace Telemetry.Tests.Sink;

/// <summary>What the sink tests share: feeding log lines to a <c>telemetry pub</c> process, and counting what the sink wrote.</summary>
internal static class SinkFiles
{
    /// <summary>Writes <paramref name="count"/> JSON log lines (seq 1..count, "line N from APP") to the publisher's stdin, then closes it.</summary>
    public static async Task FeedLogLinesAsync(ChildProcess publisher, string app, int count, string category)
    {
        for (int n = 1; n <= count; n++)
        {
            await publisher.StandardInput.WriteLineAsync(
                $$"""{"topic":"log.{{app}}.Information","kind":"log","timestamp_ns":{{n}},"level":"Information","category":"{{category}}","message":"line {{n}} from {{app}}"}""");
        }

        publisher.StandardInput.Close();
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
}
