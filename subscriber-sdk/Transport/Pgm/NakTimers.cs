using System.Diagnostics;

namespace Telemetry.Transport.Pgm;

/// <summary>
/// RFC 3208 receiver repair timers, with the intervals libzmq gives OpenPGM: a missing sequence
/// waits a random back-off (up to 50 ms) so that receivers do not all NAK at once, then is NAKed
/// and waits for the source's NCF (200 ms), then for the RDATA (200 ms); a timeout goes back to
/// back-off and counts a retry. Too many retries, or the source's trail passing it, makes it lost.
/// </summary>
internal static class NakTimers
{
    public static readonly long BackOffTicks = Stopwatch.Frequency / 20;
    public static readonly long NcfWaitTicks = Stopwatch.Frequency / 5;
    public static readonly long DataWaitTicks = Stopwatch.Frequency / 5;
    public const int MaxNcfRetries = 10;
    public const int MaxDataRetries = 10;

    public static long RandomBackOff(long now) => now + 1 + Random.Shared.NextInt64(BackOffTicks);
}

/// <summary>Where one missing sequence number is in its repair.</summary>
internal enum NakPhase : byte
{
    BackOff,
    WaitNcf,
    WaitData,
}

/// <summary>The repair state of one missing sequence number.</summary>
internal struct NakState
{
    public NakPhase Phase;
    public long Deadline;
    public byte NcfRetries;
    public byte DataRetries;
}
