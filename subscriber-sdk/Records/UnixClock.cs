using System.Diagnostics;

namespace Telemetry;

/// <summary>
/// Unix time in nanoseconds from the monotonic high-resolution counter, anchored to the wall clock
/// once: cheaper and finer than DateTime.UtcNow, and it never steps backwards inside a process.
/// The clock of every batch's send time; use it for records' own timestamps too.
/// </summary>
public static class UnixClock
{
    private static readonly long AnchorUnixNs = ToUnixNs(DateTimeOffset.UtcNow);
    private static readonly long AnchorTimestamp = Stopwatch.GetTimestamp();
    private static readonly double NsPerTick = 1_000_000_000.0 / Stopwatch.Frequency;

    /// <summary>Now, in nanoseconds since the Unix epoch.</summary>
    public static long NowNs() => AnchorUnixNs + (long)((Stopwatch.GetTimestamp() - AnchorTimestamp) * NsPerTick);

    /// <summary>A wall-clock time (an exchange's timestamp, a log record's) in nanoseconds since the Unix epoch.</summary>
    public static long ToUnixNs(DateTimeOffset time) => (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100;
}
