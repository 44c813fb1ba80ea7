using System.Globalization;
using System.Text;
using Telemetry.Cli.Terminal;

namespace Telemetry.Cli.Stats;

/// <summary>Renders the <c>stat</c> table as plain text with aligned columns.</summary>
internal static class StatTable
{
    private static readonly string[] Headers = ["TOPIC", "REC/S", "TOTAL", "GAPS", "MISSING", "REPAIRED", "RESYNC", "CONFL", "P50 µs", "P99 µs", "PUBS"];

    /// <summary>The table of the <paramref name="top"/> busiest topics, with a title line and a note on the rest.</summary>
    public static string Render(IReadOnlyList<TopicRow> rows, int top, DateTimeOffset now)
    {
        var shown = rows.Take(top).ToList();
        var cells = new List<string[]> { Headers };
        cells.AddRange(shown.Select(Cells));
        var widths = Enumerable.Range(0, Headers.Length).Select(c => cells.Max(r => r[c].Length)).ToArray();

        var text = new StringBuilder();
        double totalRate = rows.Sum(r => r.RecordsPerSecond);
        text.Append(CultureInfo.InvariantCulture, $"telemetry stat  {now:HH:mm:ss}  topics={rows.Count}  rec/s={totalRate:0}  total={rows.Sum(r => r.Total)}  gaps={rows.Sum(r => r.Gaps)}  repaired={rows.Sum(r => r.Repaired)}  resynced={rows.Sum(r => r.Resynced)}  conflated={rows.Sum(r => r.Conflated)}\n");
        foreach (var row in cells)
        {
            for (int c = 0; c < row.Length; c++)
            {
                // Topic left-aligned, numbers right-aligned.
                text.Append(c == 0 ? row[c].PadRight(widths[c]) : row[c].PadLeft(widths[c]));
                text.Append(c == row.Length - 1 ? "\n" : "  ");
            }
        }

        if (rows.Count > shown.Count)
        {
            text.Append(CultureInfo.InvariantCulture, $"… {rows.Count - shown.Count} more topics\n");
        }
        else if (rows.Count == 0)
        {
            text.Append("(no records yet)\n");
        }

        return text.ToString();
    }

    private static string[] Cells(TopicRow row) =>
    [
        TerminalText.Escape(row.Topic),
        row.RecordsPerSecond.ToString("0", CultureInfo.InvariantCulture),
        row.Total.ToString(CultureInfo.InvariantCulture),
        row.Gaps.ToString(CultureInfo.InvariantCulture),
        row.Missing.ToString(CultureInfo.InvariantCulture),
        row.Repaired.ToString(CultureInfo.InvariantCulture),
        row.Resynced.ToString(CultureInfo.InvariantCulture),
        row.Conflated.ToString(CultureInfo.InvariantCulture),
        row.LatencyP50Us?.ToString(CultureInfo.InvariantCulture) ?? "-",
        row.LatencyP99Us?.ToString(CultureInfo.InvariantCulture) ?? "-",
        row.Publishers.ToString(CultureInfo.InvariantCulture),
    ];
}
