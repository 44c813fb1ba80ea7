namespace Telemetry.Transport.Pgm;

/// <summary>
/// When the sender multicasts SPMs. While data flows an SPM follows every 100 ms, so receivers
/// learn the lead (and notice a lost last packet) quickly; once data stops, heartbeats back off as
/// libzmq configures OpenPGM (100 ms four times, then 1.3 s, 7 s, 16 s, 25 s, 30 s), and then an
/// ambient SPM every 30 s keeps the session alive.
/// </summary>
internal sealed class SpmSchedule
{
    private static readonly TimeSpan[] Heartbeats =
    [
        TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(100),
        TimeSpan.FromMilliseconds(1300), TimeSpan.FromSeconds(7), TimeSpan.FromSeconds(16), TimeSpan.FromSeconds(25), TimeSpan.FromSeconds(30),
    ];

    private static readonly TimeSpan Ambient = TimeSpan.FromSeconds(30);
    private int _heartbeat;
    private long _lastSpmTicks;

    public SpmSchedule(long nowTicks) => _lastSpmTicks = nowTicks;

    /// <summary>When the next SPM is due, given whether data went out since the last one.</summary>
    public long Due(bool dataSinceLastSpm)
    {
        var interval = dataSinceLastSpm ? Heartbeats[0] : _heartbeat < Heartbeats.Length ? Heartbeats[_heartbeat] : Ambient;
        return _lastSpmTicks + (long)(interval.TotalSeconds * System.Diagnostics.Stopwatch.Frequency);
    }

    /// <summary>Records an SPM sent at <paramref name="nowTicks"/>; data since the previous one restarts the back-off.</summary>
    public void Sent(long nowTicks, bool dataSinceLastSpm)
    {
        _lastSpmTicks = nowTicks;
        _heartbeat = dataSinceLastSpm ? 1 : _heartbeat + 1;
    }
}
