using System.Globalization;

namespace Telemetry.Dashboard.Feed;

/// <summary>How a series is charted, from its instrument kind.</summary>
internal enum MetricChart
{
    /// <summary>As it is: gauges, up-down counters, samples of unknown type.</summary>
    Value,

    /// <summary>Per second, from two cumulative samples: counters and a histogram's count.</summary>
    Rate,

    /// <summary>A histogram's mean over each interval: the change of its sum over the change of its count.</summary>
    Mean,

    /// <summary>Not charted: a histogram's buckets (their count is shown on the series it belongs to).</summary>
    None,
}

/// <summary>
/// One metric series (topic, name and labels): its latest sample and the points charted for it.
/// Changed by the feed's receive thread and read by the push loop and new pages, all under the
/// owning <see cref="MetricTable"/>'s lock.
/// </summary>
internal sealed class MetricSeries
{
    public const int HistoryPoints = 300; // five minutes at OpenTelemetry's one export a second

    private bool _sampled;

    public MetricSeries(string key, string topic, in MetricSample sample)
    {
        Key = key;
        Topic = topic;
        Application = ApplicationOf(topic);
        Name = sample.Name;
        Labels = LabelText(sample.Labels);
        Type = sample.Type;
        Unit = sample.Unit ?? string.Empty;
    }

    public string Key { get; }

    public string Topic { get; }

    public string Application { get; }

    public string Name { get; }

    public string Labels { get; }

    public MetricType Type { get; private set; }

    /// <summary>How the series is charted: from its type, and for a histogram from which of its parts the name is.</summary>
    public MetricChart Chart => Type switch
    {
        MetricType.Counter => MetricChart.Rate,
        MetricType.Histogram when Name.EndsWith("_count", StringComparison.Ordinal) => MetricChart.Rate,
        MetricType.Histogram when Name.EndsWith("_sum", StringComparison.Ordinal) => MetricChart.Mean,
        MetricType.Histogram => MetricChart.None,
        _ => MetricChart.Value,
    };

    public string Unit { get; private set; }

    public double Value { get; private set; }

    public long SampleNs { get; private set; }

    public long ReceivedNs { get; private set; }

    /// <summary>The change of the value over the last interval: what a histogram's mean divides by.</summary>
    public double LastDelta { get; private set; } = double.NaN;

    /// <summary>The last charted point, or NaN before the first (a rate needs two samples).</summary>
    public double Point { get; private set; } = double.NaN;

    /// <summary>A point was added since the push loop last took this series.</summary>
    public bool Changed { get; set; }

    public ChartHistory History { get; } = new(HistoryPoints);

    /// <summary>
    /// Takes a sample. <paramref name="count"/> is the histogram's count series, for a sum's mean.
    /// A cumulative value that went down is a restart: the interval is skipped, not charted as a dip.
    /// </summary>
    public void Add(in MetricSample sample, long nowNs, MetricSeries? count)
    {
        Type = sample.Type;
        Unit = sample.Unit ?? Unit;

        // Value and SampleNs still hold the previous sample here.
        double delta = sample.Value - Value;
        double seconds = (sample.TimestampNs - SampleNs) / 1e9;
        bool restarted = delta < 0 && Chart is MetricChart.Rate or MetricChart.Mean;
        LastDelta = !_sampled || restarted ? double.NaN : delta;
        double point = Chart switch
        {
            MetricChart.Value => sample.Value,
            MetricChart.Rate when seconds > 0 && !double.IsNaN(LastDelta) => LastDelta / seconds,
            MetricChart.Mean when count is { LastDelta: > 0 } && count.SampleNs == sample.TimestampNs && !double.IsNaN(LastDelta) => LastDelta / count.LastDelta,
            _ => double.NaN,
        };

        _sampled = true;
        Value = sample.Value;
        SampleNs = sample.TimestampNs;
        ReceivedNs = nowNs;
        if (!double.IsNaN(point) && double.IsFinite(point))
        {
            Point = point;
            History.Add(sample.TimestampNs / 1e9, point);
            Changed = true;
        }
    }

    public string FormattedValue => Format(Value);

    public static string Format(double value) =>
        double.IsNaN(value) ? "-" : value.ToString(Math.Abs(value) >= 1e6 || value == Math.Floor(value) ? "N0" : "N3", CultureInfo.InvariantCulture);

    public static string LabelText(IReadOnlyDictionary<string, string>? labels) => labels is { Count: > 0 } l
        ? string.Join(",", l.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"))
        : string.Empty;

    // metric.<application or host>.<name>: the application is the second segment.
    private static string ApplicationOf(string topic)
    {
        string[] parts = topic.Split('.');
        return parts.Length >= 3 ? parts[1] : topic;
    }
}
