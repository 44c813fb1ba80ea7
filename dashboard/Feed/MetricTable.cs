using System.Globalization;

namespace Telemetry.Dashboard.Feed;

/// <summary>The latest value of every metric series received (topic, name and labels), bounded.</summary>
internal sealed class MetricTable(int capacity = 2000)
{
    private readonly Dictionary<string, MetricEntry> _series = new(StringComparer.Ordinal);
    private readonly Lock _sync = new();

    public long Dropped { get; private set; }

    /// <summary>Receive thread.</summary>
    public void Set(string topic, in MetricSample sample, long nowNs)
    {
        string labels = sample.Labels is { Count: > 0 } l
            ? string.Join(",", l.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"))
            : string.Empty;
        string key = string.Concat(topic, "|", sample.Name, "|", labels);
        lock (_sync)
        {
            if (_series.Count >= capacity && !_series.ContainsKey(key))
            {
                Dropped++;
                return;
            }

            _series[key] = new MetricEntry(topic, SourceOf(topic), sample.Name, labels, sample.Value, sample.TimestampNs, nowNs);
        }
    }

    public List<MetricEntry> Snapshot()
    {
        lock (_sync)
        {
            return [.. _series.Values.OrderBy(e => e.Source, StringComparer.Ordinal).ThenBy(e => e.Name, StringComparer.Ordinal).ThenBy(e => e.Labels, StringComparer.Ordinal)];
        }
    }

    // metric.<host or component>.<name>: the source is the middle segment.
    private static string SourceOf(string topic)
    {
        string[] parts = topic.Split('.');
        return parts.Length >= 3 ? parts[1] : topic;
    }
}

/// <summary>The latest sample of one series.</summary>
internal sealed record MetricEntry(string Topic, string Source, string Name, string Labels, double Value, long SampleNs, long ReceivedNs)
{
    public string FormattedValue => Value.ToString(Math.Abs(Value) >= 1e6 || Value == Math.Floor(Value) ? "N0" : "N3", CultureInfo.InvariantCulture);
}
