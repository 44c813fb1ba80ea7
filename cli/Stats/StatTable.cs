using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;
using Telemetry.Cli.Terminal;

namespace Telemetry.Cli.Stats;

/// <summary>
/// The <c>stat</c> table, drawn by Spectre.Console: a title line, one row per topic (the busiest
/// first) and a note on the rest. Cells are plain text, never markup: topics come from the network.
/// </summary>
internal static class StatTable
{
    private static readonly string[] Headers = ["TOPIC", "REC/S", "TOTAL", "GAPS", "MISSING", "REPAIRED", "RESYNC", "CONFL", "P50 µs", "P99 µs", "PUBS"];

    /// <summary>The table of the <paramref name="top"/> busiest topics.</summary>
    /// <param name="rows">Every topic's row, busiest first.</param>
    /// <param name="top">How many to show.</param>
    /// <param name="now">The time in the title line.</param>
    /// <param name="plain">For a file or pipe: no borders, so each line is a topic's row of space-separated columns (after one space of padding).</param>
    public static IRenderable Render(IReadOnlyList<TopicRow> rows, int top, DateTimeOffset now, bool plain)
    {
        // Simple: a line under the headers and no vertical rules, so 11 columns fit 80 characters.
        var table = new Table { Border = plain ? TableBorder.None : TableBorder.Simple, ShowRowSeparators = false };
        for (int c = 0; c < Headers.Length; c++)
        {
            var column = new TableColumn(new Text(Headers[c], plain ? Style.Plain : new Style(decoration: Decoration.Bold)))
            {
                Alignment = c == 0 ? Justify.Left : Justify.Right,
                NoWrap = true,
            };
            table.AddColumn(column);
        }

        foreach (var row in rows.Take(top))
        {
            // A terminal narrower than the table cuts a long topic short rather than wrapping it.
            table.AddRow(Cells(row).Select((text, c) => (IRenderable)new Text(text) { Overflow = c == 0 ? Overflow.Ellipsis : Overflow.Fold }).ToArray());
        }

        double totalRate = rows.Sum(r => r.RecordsPerSecond);
        string title = string.Create(
            CultureInfo.InvariantCulture,
            $"telemetry stat  {now:HH:mm:ss}  topics={rows.Count}  rec/s={totalRate:0}  total={rows.Sum(r => r.Total)}  gaps={rows.Sum(r => r.Gaps)}  repaired={rows.Sum(r => r.Repaired)}  resynced={rows.Sum(r => r.Resynced)}  conflated={rows.Sum(r => r.Conflated)}");
        var parts = new List<IRenderable> { new Text(title), table };
        if (rows.Count > top)
        {
            parts.Add(new Text(string.Create(CultureInfo.InvariantCulture, $"… {rows.Count - top} more topics")));
        }
        else if (rows.Count == 0)
        {
            parts.Add(new Text("(no records yet)"));
        }

        return new Rows(parts);
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
