using System.Text.Json.Nodes;
using HdrHistogram;

namespace Telemetry.Perf.Workers;

/// <summary>
/// One-way latencies in ns in an HdrHistogram. With an expected interval (a paced sender), a late
/// value also counts the samples a stalled sender would have produced in the meantime, which is
/// HdrHistogram's correction for coordinated omission. The correction is applied when the figures
/// are read, not per record: done per record its cost grows with the latency (a 5 ms value at a
/// 10 µs interval is 500 extra samples), so a subscriber that fell behind fell further behind
/// correcting, and at 100,000 records/s one recorded 2.6 billion samples for 13,000 records.
/// </summary>
internal sealed class LatencyRecorder(long expectedIntervalNs)
{
    // One hour in ns, 3 significant digits: any plausible latency fits, at 0.1% resolution.
    private const long Highest = 3_600_000_000_000;
    private readonly LongHistogram _histogram = new(1, Highest, 3);

    // The handler thread records while the report thread reads at the window's end; HdrHistogram is
    // not thread-safe, and reading it mid-record once crashed a subscriber in GetMaxValue.
    private readonly Lock _lock = new();

    public long ExpectedIntervalNs => expectedIntervalNs;

    public long Count
    {
        get
        {
            lock (_lock)
            {
                return _histogram.TotalCount;
            }
        }
    }

    public void Record(long latencyNs)
    {
        long value = Math.Clamp(latencyNs, 1, Highest);
        lock (_lock)
        {
            _histogram.RecordValue(value);
        }
    }

    /// <summary>Records one value for <paramref name="count"/> records (a whole batch sampled by its oldest record).</summary>
    public void Record(long latencyNs, int count)
    {
        lock (_lock)
        {
            _histogram.RecordValueWithCount(Math.Clamp(latencyNs, 1, Highest), count);
        }
    }

    /// <summary>
    /// Adds p50/p99/p99.9/max/mean in µs to <paramref name="line"/> (as <c>{prefix}p50_us</c> and so
    /// on), and without a prefix the sample count and whether it was CO-corrected; no figures if no
    /// value was recorded.
    /// </summary>
    public void AddTo(JsonObject line, string prefix = "")
    {
        lock (_lock)
        {
            var histogram = expectedIntervalNs > 0 ? Corrected() : _histogram;
            if (prefix.Length == 0)
            {
                line["latency_samples"] = _histogram.TotalCount;
                line["co_corrected"] = expectedIntervalNs > 0;
            }

            if (histogram.TotalCount == 0)
            {
                return;
            }

            line[prefix + "p50_us"] = Micros(histogram.GetValueAtPercentile(50));
            line[prefix + "p99_us"] = Micros(histogram.GetValueAtPercentile(99));
            line[prefix + "p999_us"] = Micros(histogram.GetValueAtPercentile(99.9));
            line[prefix + "max_us"] = Micros(histogram.GetMaxValue());
            line[prefix + "mean_us"] = Math.Round(histogram.GetMean() / 1000.0, 1);
        }
    }

    /// <summary>
    /// The raw values with the samples a stalled sender would have produced: for a value v, also
    /// v - i, v - 2i, ... down to i (the interval), with v's count. The same as recording each value
    /// with its expected interval, at a cost per histogram bucket rather than per record.
    /// </summary>
    private LongHistogram Corrected()
    {
        var corrected = new LongHistogram(1, Highest, 3);
        foreach (var bucket in _histogram.RecordedValues())
        {
            long value = bucket.ValueIteratedTo;
            long count = bucket.CountAtValueIteratedTo;
            corrected.RecordValueWithCount(value, count);
            for (long missing = value - expectedIntervalNs; missing >= expectedIntervalNs; missing -= expectedIntervalNs)
            {
                corrected.RecordValueWithCount(missing, count);
            }
        }

        return corrected;
    }

    private static double Micros(long ns) => Math.Round(ns / 1000.0, 1);
}
