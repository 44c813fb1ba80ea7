using System.Text.Json.Nodes;
using HdrHistogram;

namespace Telemetry.Perf.Workers;

/// <summary>
/// One-way latencies in ns in an HdrHistogram. With an expected interval (a paced sender), a late
/// value also records the samples a stalled sender would have produced in the meantime, which is
/// HdrHistogram's correction for coordinated omission.
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
            if (expectedIntervalNs > 0)
            {
                _histogram.RecordValueWithExpectedInterval(value, expectedIntervalNs);
            }
            else
            {
                _histogram.RecordValue(value);
            }
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

    /// <summary>Adds p50/p99/p99.9/max/mean in µs to <paramref name="line"/>; nothing if no value was recorded.</summary>
    public void AddTo(JsonObject line)
    {
        lock (_lock)
        {
            AddFigures(line);
        }
    }

    private void AddFigures(JsonObject line)
    {
        line["latency_samples"] = _histogram.TotalCount;
        line["co_corrected"] = expectedIntervalNs > 0;
        if (_histogram.TotalCount == 0)
        {
            return;
        }

        line["p50_us"] = Micros(_histogram.GetValueAtPercentile(50));
        line["p99_us"] = Micros(_histogram.GetValueAtPercentile(99));
        line["p999_us"] = Micros(_histogram.GetValueAtPercentile(99.9));
        line["max_us"] = Micros(_histogram.GetMaxValue());
        line["mean_us"] = Math.Round(_histogram.GetMean() / 1000.0, 1);
    }

    private static double Micros(long ns) => Math.Round(ns / 1000.0, 1);
}
