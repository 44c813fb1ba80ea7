using System.Globalization;
using Telemetry.Dashboard.Feed;

namespace Telemetry.Dashboard.Push;

/// <summary>Turns the receive-side state into the messages the page gets.</summary>
internal static class Views
{
    private const double NsPerSecond = 1e9;

    /// <summary>
    /// The conflation step: a tick update if the topic changed since the last push (clearing the
    /// flag), with one chart point for it. <paramref name="peek"/> reads without clearing, for a new page.
    /// </summary>
    public static TickUpdate? TakeTick(TopicState topic, long nowNs, bool peek = false)
    {
        Tick first;
        Tick last;
        long high;
        long low;
        long count;
        lock (topic.Sync)
        {
            if (!topic.HasTick || (!peek && !topic.Changed))
            {
                return null;
            }

            first = topic.First;
            last = topic.Last;
            high = topic.High;
            low = topic.Low;
            count = topic.Records;
            if (!peek)
            {
                topic.Changed = false;
                topic.History.Add(nowNs / NsPerSecond, (double)last.PriceValue);
            }
        }

        decimal price = last.PriceValue;
        decimal change = price - first.PriceValue;
        double changePct = first.Price == 0 ? 0 : (double)(change / first.PriceValue * 100m);
        return new TickUpdate(
            topic.Topic,
            topic.Symbol,
            Text(price),
            Text(last.BidValue),
            Text(last.AskValue),
            Text(change),
            Math.Round(changePct, 3),
            Text(Decimal64.ToDecimal(high, last.PriceScale)),
            Text(Decimal64.ToDecimal(low, last.PriceScale)),
            Math.Round(topic.Rate, 1),
            count,
            nowNs / NsPerSecond,
            (double)price,
            last.BidSizeValue is { } bidSize ? Text(bidSize) : null,
            last.AskSizeValue is { } askSize ? Text(askSize) : null,
            last.Venue.ToString(),
            StatusName(last.Status));
    }

    /// <summary>A status this build does not know shows as unknown, not as a bare number.</summary>
    private static string StatusName(TradingStatus status) =>
        Enum.IsDefined(status) ? status.ToString() : nameof(TradingStatus.Unknown);

    /// <summary>A metric series with all its points (for a new page) or only its newest.</summary>
    public static MetricSeriesView Metric(MetricSeries series, bool history)
    {
        var (times, values) = history ? series.History.ToArrays() : ([series.SampleNs / NsPerSecond], [series.Point]);
        return new MetricSeriesView(
            series.Key,
            series.Application,
            series.Name,
            series.Labels,
            series.Unit,
            series.Type.ToString().ToLowerInvariant(),
            series.Chart.ToString().ToLowerInvariant(),
            series.FormattedValue,
            times,
            values);
    }

    public static ChartSeries Chart(TopicState topic)
    {
        lock (topic.Sync)
        {
            var (times, values) = topic.History.ToArrays();
            return new ChartSeries(topic.Topic, times, values);
        }
    }

    /// <summary>Once a second: the topic's rate and latency over the window just ended, then its row.</summary>
    public static TopicRow CloseWindow(TopicState topic, double elapsedSeconds, long nowNs)
    {
        lock (topic.Sync)
        {
            topic.Rate = elapsedSeconds > 0 ? (topic.Records - topic.RecordsAtLastRate) / elapsedSeconds : 0;
            topic.RecordsAtLastRate = topic.Records;
            if (topic.LatencyCount > 0)
            {
                topic.LatencyAvgMs = topic.LatencySumNs / (double)topic.LatencyCount / 1e6;
                topic.LatencyMaxMs = topic.LatencyMaxNs / 1e6;
            }

            topic.LatencySumNs = 0;
            topic.LatencyCount = 0;
            topic.LatencyMaxNs = 0;
            return new TopicRow(
                topic.Topic,
                topic.Kind,
                topic.Publisher,
                Math.Round(topic.Rate, 1),
                topic.Records,
                topic.Gaps,
                topic.MissingRecords,
                Math.Round(topic.LatencyAvgMs, 3),
                Math.Round(topic.LatencyMaxMs, 3),
                Math.Round((nowNs - topic.LastSeenNs) / NsPerSecond, 1),
                topic.Repaired,
                topic.Resyncs,
                topic.Conflated);
        }
    }

    public static LogRow Log(LogEntry entry) => new(
        entry.Id,
        entry.Record.TimestampNs / 1e6,
        entry.Application,
        entry.Level.ToString(),
        entry.Record.Category,
        entry.Record.Message,
        entry.Record.Exception);

    private static string Text(decimal value) => value.ToString(CultureInfo.InvariantCulture);
}
