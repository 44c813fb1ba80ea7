using System.Diagnostics;

namespace Telemetry.Perf.Workers;

/// <summary>
/// Unix time in nanoseconds as CLOCK_MONOTONIC plus one offset. Stopwatch reads CLOCK_MONOTONIC on
/// Linux, which every process on the host shares, so when the harness hands the publisher and the
/// subscriber the same offset, (receive - send) is exact: no wall-clock anchoring error between them.
/// </summary>
internal static class SharedClock
{
    private static readonly double NsPerTick = 1_000_000_000.0 / Stopwatch.Frequency;
    private static long _offsetNs = MeasureOffset();

    /// <summary>Unix ns minus monotonic ns, the value to pass to every worker with <c>--clock-offset</c>.</summary>
    public static long OffsetNs => Volatile.Read(ref _offsetNs);

    public static void UseOffset(long offsetNs) => Volatile.Write(ref _offsetNs, offsetNs);

    public static long MonotonicNs() => Stopwatch.Frequency == 1_000_000_000
        ? Stopwatch.GetTimestamp()
        : (long)(Stopwatch.GetTimestamp() * NsPerTick);

    public static long NowNs() => _offsetNs + MonotonicNs();

    private static long MeasureOffset()
    {
        // The tightest of a few (monotonic, wall, monotonic) triples bounds the error of the pairing.
        long best = 0, bestSpan = long.MaxValue;
        for (int i = 0; i < 16; i++)
        {
            long before = MonotonicNs();
            long wall = (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) * 100;
            long after = MonotonicNs();
            if (after - before < bestSpan)
            {
                bestSpan = after - before;
                best = wall - (before + ((after - before) / 2));
            }
        }

        return best;
    }
}
