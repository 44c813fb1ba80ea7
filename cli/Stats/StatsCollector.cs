namespace Telemetry.Cli.Stats;

/// <summary>
/// Per-topic counters fed by the subscriber's receive thread and read once per interval by the
/// table renderer; one lock, held briefly by both.
/// </summary>
internal sealed class StatsCollector(TimeProvider time)
{
    private const int LatencySamplesPerInterval = 4096;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, TopicCounters> _topics = new(StringComparer.Ordinal);
    private long _intervalStart = time.GetTimestamp();

    /// <summary>Counts a delivered batch and its latency (now − its send time).</summary>
    public void OnBatch(in BatchHeader header)
    {
        long latencyNs = NowUnixNs() - header.SentUnixNs;
        lock (_gate)
        {
            var topic = Get(header.Topic);
            topic.Total += header.Count;
            topic.Interval += header.Count;
            topic.Conflated += header.Conflated;
            if (header.Resync)
            {
                topic.Resynced++;
            }

            if (header.Repaired)
            {
                // Resent long after they were first sent: their age is not the feed's latency.
                topic.Repaired += header.Count;
            }
            else
            {
                topic.Latency.Add(Math.Max(0, latencyNs));
            }

            // The SDK hands the same publisher string for a stream every time, so this rarely allocates.
            topic.Publishers.Add(header.Publisher);
        }
    }

    /// <summary>Counts a gap against its topic.</summary>
    public void OnGap(GapEventArgs gap)
    {
        lock (_gate)
        {
            var topic = Get(gap.Topic);
            topic.Gaps++;
            topic.Missing += (long)gap.Count;
        }
    }

    /// <summary>The rows for the interval that just ended, busiest first; starts the next interval.</summary>
    public IReadOnlyList<TopicRow> TakeSnapshot()
    {
        long now = time.GetTimestamp();
        lock (_gate)
        {
            double seconds = Math.Max(time.GetElapsedTime(_intervalStart, now).TotalSeconds, 1e-3);
            _intervalStart = now;
            var rows = new List<TopicRow>(_topics.Count);
            foreach (var (name, topic) in _topics)
            {
                var percentiles = topic.Latency.TakePercentiles();
                rows.Add(new TopicRow(
                    name,
                    topic.Interval / seconds,
                    topic.Total,
                    topic.Gaps,
                    topic.Missing,
                    topic.Repaired,
                    topic.Resynced,
                    topic.Conflated,
                    percentiles?.P50 / 1000,
                    percentiles?.P99 / 1000,
                    topic.Publishers.Count));
                topic.Interval = 0;
            }

            rows.Sort((a, b) => b.RecordsPerSecond != a.RecordsPerSecond
                ? b.RecordsPerSecond.CompareTo(a.RecordsPerSecond)
                : b.Total != a.Total ? b.Total.CompareTo(a.Total) : string.CompareOrdinal(a.Topic, b.Topic));
            return rows;
        }
    }

    private long NowUnixNs() => UnixClock.ToUnixNs(time.GetUtcNow());

    private TopicCounters Get(string topic)
    {
        if (!_topics.TryGetValue(topic, out var counters))
        {
            counters = new TopicCounters();
            _topics.Add(topic, counters);
        }

        return counters;
    }

    private sealed class TopicCounters
    {
        public long Total { get; set; }

        public long Interval { get; set; }

        public long Gaps { get; set; }

        public long Missing { get; set; }

        public long Repaired { get; set; }

        public long Resynced { get; set; }

        public long Conflated { get; set; }

        public HashSet<string> Publishers { get; } = new(StringComparer.Ordinal);

        public LatencyReservoir Latency { get; } = new(LatencySamplesPerInterval);
    }
}
