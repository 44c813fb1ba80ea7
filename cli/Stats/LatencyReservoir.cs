namespace Telemetry.Cli.Stats;

/// <summary>
/// Latency samples of one interval with bounded memory: the first <c>capacity</c> samples are kept,
/// later ones replace kept ones at random (reservoir sampling), so percentiles stay unbiased at any rate.
/// </summary>
internal sealed class LatencyReservoir(int capacity)
{
    private readonly long[] _samples = new long[capacity];
    private long _seen;

    public void Add(long value)
    {
        if (_seen < _samples.Length)
        {
            _samples[_seen] = value;
        }
        else
        {
            // Not security-relevant: only picks which sample a statistic keeps.
#pragma warning disable CA5394
            long slot = Random.Shared.NextInt64(_seen + 1);
#pragma warning restore CA5394
            if (slot < _samples.Length)
            {
                _samples[slot] = value;
            }
        }

        _seen++;
    }

    /// <summary>Returns p50 and p99 (nearest rank) of the interval and starts a new one; null when there were no samples.</summary>
    public (long P50, long P99)? TakePercentiles()
    {
        int count = (int)Math.Min(_seen, _samples.Length);
        _seen = 0;
        if (count == 0)
        {
            return null;
        }

        var kept = _samples.AsSpan(0, count);
        kept.Sort();
        return (kept[Rank(0.50, count)], kept[Rank(0.99, count)]);
    }

    private static int Rank(double quantile, int count) => Math.Clamp((int)Math.Ceiling(quantile * count) - 1, 0, count - 1);
}
