using System.Runtime.InteropServices;

namespace Telemetry.Perf.Workers;

/// <summary>
/// Paces a sender to a fixed rate against the monotonic clock. Between records it sleeps until the
/// next one is due with clock_nanosleep(TIMER_ABSTIME): Thread.Sleep's 1 ms granularity would turn
/// 10,000 records/s into bursts of ten, and spinning would take a core from the process under test
/// on a 2-core machine. A late wake-up (timer slack, a busy machine) only delays the send, and the
/// record is stamped when it is actually sent; the subscriber corrects for the delay.
/// </summary>
internal sealed partial class Pacer(double ratePerSecond)
{
    private const int ClockMonotonic = 1;
    private const int TimerAbsolute = 1;
    private readonly long _startNs = SharedClock.MonotonicNs();
    private readonly double _nsPerRecord = 1_000_000_000.0 / ratePerSecond;
    private long _sent;

    /// <summary>Waits until at least one record is due; returns how many are due, at most <paramref name="max"/>.</summary>
    public int WaitForDue(int max)
    {
        while (true)
        {
            long elapsed = SharedClock.MonotonicNs() - _startNs;
            long due = (long)(elapsed / _nsPerRecord) - _sent;
            if (due > 0)
            {
                return (int)Math.Min(due, max);
            }

            SleepUntil(_startNs + (long)((_sent + 1) * _nsPerRecord));
        }
    }

    public void Sent(int count) => _sent += count;

    private static void SleepUntil(long monotonicNs)
    {
        if (OperatingSystem.IsLinux())
        {
            var deadline = new Timespec(monotonicNs / 1_000_000_000, monotonicNs % 1_000_000_000);
            _ = ClockNanosleep(ClockMonotonic, TimerAbsolute, in deadline, IntPtr.Zero);
        }
        else
        {
            Thread.Sleep(TimeSpan.FromTicks(Math.Max(0, (monotonicNs - SharedClock.MonotonicNs()) / 100)));
        }
    }

    [LibraryImport("libc", EntryPoint = "clock_nanosleep")]
    private static partial int ClockNanosleep(int clock, int flags, in Timespec request, IntPtr remaining);

    [StructLayout(LayoutKind.Sequential)]
    private readonly record struct Timespec(long Seconds, long Nanoseconds);
}
