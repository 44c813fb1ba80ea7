using System.Globalization;
using Telemetry.Dashboard.Feed;

namespace Telemetry.Dashboard.Push;

/// <summary>
/// Builds the system view once a second: publishers as seen on the wire, components running in this
/// process (the demo topology), the dashboard's own subscriber, and the metric samples received.
/// </summary>
internal sealed class SystemViewBuilder(
    TopicBoard board,
    MetricTable metrics,
    FeedSubscriber subscriber,
    IFeedSource source,
    DashboardCounters counters,
    IEnumerable<ISystemSource> sources)
{
    private const double NsPerSecond = 1e9;
    private long _recordsAtLastRate;

    public SystemView? Last { get; private set; }

    /// <summary>Push loop, once a second.</summary>
    public SystemView Build(double elapsedSeconds, long nowNs)
    {
        var rows = new List<ComponentRow>();
        foreach (var publisher in board.Publishers.OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            rows.Add(Describe(publisher, elapsedSeconds, nowNs));
        }

        // In-process components add their own view; a publisher also seen on the wire gets one row with both.
        foreach (var row in sources.SelectMany(s => s.Describe(elapsedSeconds)))
        {
            int same = rows.FindIndex(r => r.Role == row.Role && r.Name == row.Name);
            if (same >= 0)
            {
                rows[same] = rows[same] with { Detail = row.Detail, Notes = rows[same].Notes + "; " + row.Notes, Health = Worse(rows[same].Health, row.Health) };
            }
            else
            {
                rows.Add(row);
            }
        }

        long records = counters.Records;
        double rate = elapsedSeconds > 0 ? (records - _recordsAtLastRate) / elapsedSeconds : 0;
        _recordsAtLastRate = records;
        rows.Add(DescribeSelf(rate, nowNs));

        var metricRows = metrics.Snapshot()
            .Select(m => new MetricRow(m.Source, m.Name, m.Labels, m.FormattedValue, Math.Round((nowNs - m.ReceivedNs) / NsPerSecond, 1)))
            .ToArray();
        Last = new SystemView([.. rows], metricRows, Math.Round(rate, 1), board.TopicCount, Volatile.Read(ref counters.Clients));
        return Last;
    }

    private static ComponentRow Describe(PublisherState publisher, double elapsedSeconds, long nowNs)
    {
        lock (publisher.Sync)
        {
            publisher.Rate = elapsedSeconds > 0 ? (publisher.Records - publisher.RecordsAtLastRate) / elapsedSeconds : 0;
            publisher.RecordsAtLastRate = publisher.Records;
            double silent = (nowNs - publisher.LastSeenNs) / NsPerSecond;

            // Quiet publishers (a log source) are fine for a while; a long silence means trouble.
            string health = silent < 15 ? (Recent(publisher.LastGapNs, nowNs) ? "warn" : "ok") : silent < 60 ? "warn" : "down";
            return new ComponentRow(
                "publisher",
                publisher.Name,
                string.Create(CultureInfo.InvariantCulture, $"session {publisher.Session:x16}"),
                Math.Round(publisher.Rate, 1),
                health,
                string.Create(CultureInfo.InvariantCulture, $"{publisher.TopicCountLocked} topics, {publisher.Records:N0} records, {publisher.Gaps} gaps, {publisher.Restarts} restarts, last seen {silent:0.0} s ago"));
        }
    }

    private ComponentRow DescribeSelf(double rate, long nowNs)
    {
        var stats = subscriber.Stats;
        double silent = counters.LastRecordNs == 0 ? double.PositiveInfinity : (nowNs - Volatile.Read(ref counters.LastRecordNs)) / NsPerSecond;
        string health = silent >= 15 ? "down" : stats.Malformed > 0 || Recent(Volatile.Read(ref counters.LastGapNs), nowNs) ? "warn" : "ok";
        return new ComponentRow(
            "subscriber",
            "dashboard",
            string.Join(", ", source.Endpoints),
            Math.Round(rate, 1),
            health,
            string.Create(CultureInfo.InvariantCulture, $"{stats.Gaps} gaps ({stats.MissingRecords} missing), {stats.Malformed} malformed, {stats.DuplicateRecords} duplicates, {stats.HandlerErrors} handler errors, {Volatile.Read(ref counters.Clients)} pages"));
    }

    // Health reflects the present: a gap makes a component "warn" for half a minute, the counters keep the history.
    private static bool Recent(long eventNs, long nowNs) => eventNs != 0 && nowNs - eventNs < 30 * NsPerSecond;

    private static string Worse(string a, string b) => Rank(a) >= Rank(b) ? a : b;

    private static int Rank(string health) => health switch { "down" => 2, "warn" => 1, _ => 0 };
}
