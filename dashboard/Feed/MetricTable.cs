namespace Telemetry.Dashboard.Feed;

/// <summary>
/// Every metric series received (topic, name and labels), bounded: beyond the capacity a new series
/// is dropped and counted, so a publisher with unbounded label values cannot grow the dashboard.
/// </summary>
internal sealed class MetricTable(int capacity = 2000)
{
    private readonly Dictionary<string, MetricSeries> _series = new(StringComparer.Ordinal);
    private readonly Lock _sync = new();

    public long Dropped { get; private set; }

    /// <summary>Receive thread.</summary>
    public void Set(string topic, in MetricSample sample, long nowNs)
    {
        string labels = MetricSeries.LabelText(sample.Labels);
        string key = Key(topic, sample.Name, labels);
        lock (_sync)
        {
            if (!_series.TryGetValue(key, out var series))
            {
                if (_series.Count >= capacity)
                {
                    Dropped++;
                    return;
                }

                series = new MetricSeries(key, topic, sample);
                _series[key] = series;
            }

            // A histogram's sum is charted as a mean, from its count series (published just before it).
            MetricSeries? count = series.Chart == MetricChart.Mean
                ? _series.GetValueOrDefault(Key(topic, string.Concat(sample.Name.AsSpan(0, sample.Name.Length - "_sum".Length), "_count"), labels))
                : null;
            series.Add(sample, nowNs, count);
        }
    }

    /// <summary>The latest value of every series, for the system view's table.</summary>
    public List<MetricEntry> Snapshot()
    {
        lock (_sync)
        {
            return [.. _series.Values
                .Select(s => new MetricEntry(s.Topic, s.Application, s.Name, s.Labels, s.Value, s.FormattedValue, s.SampleNs, s.ReceivedNs))
                .OrderBy(e => e.Source, StringComparer.Ordinal).ThenBy(e => e.Name, StringComparer.Ordinal).ThenBy(e => e.Labels, StringComparer.Ordinal)];
        }
    }

    /// <summary>Calls <paramref name="take"/> for every charted series with a new point since the last call, clearing the flag.</summary>
    public void TakeChanged(Action<MetricSeries> take)
    {
        lock (_sync)
        {
            foreach (var series in _series.Values)
            {
                if (series.Changed)
                {
                    series.Changed = false;
                    take(series);
                }
            }
        }
    }

    /// <summary>Calls <paramref name="read"/> for every charted series, for a newly opened page.</summary>
    public void ReadCharted(Action<MetricSeries> read)
    {
        lock (_sync)
        {
            foreach (var series in _series.Values)
            {
                if (series.Chart != MetricChart.None)
                {
                    read(series);
                }
            }
        }
    }

    private static string Key(string topic, string name, string labels) => string.Concat(topic, "|", name, "|", labels);
}

/// <summary>The latest sample of one series.</summary>
internal sealed record MetricEntry(string Topic, string Source, string Name, string Labels, double Value, string FormattedValue, long SampleNs, long ReceivedNs);
