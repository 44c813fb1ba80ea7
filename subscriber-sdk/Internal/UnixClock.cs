using System.Diagnostics;

namespace Telemetry.Internal;

/// <summary>
/// Unix time in nanoseconds from the monotonic high-resolution counter, anchored to the wall clock
/// once: cheaper and finer than DateTime.UtcNow, and it never steps backwards inside a process.
/// </summary>
internal static class UnixClock
{
    private static readonly long AnchorUnixNs = (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) * 100;
    private static readonly long AnchorTimestamp = Stopwatch.GetTimestamp();
    private static readonly double NsPerTick = 1_000_000_000.0 / Stopwatch.Frequency;

    public static long NowNs() => AnchorUnixNs + (long)((Stopwatch.GetTimestamp() - AnchorTimestamp) * NsPerTick);
}
