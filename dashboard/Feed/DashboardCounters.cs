namespace Telemetry.Dashboard.Feed;

/// <summary>
/// The dashboard's own counters. Receive-side fields have one writer (the receive thread) and the
/// push-side ones one writer (the push loop); the metrics scrape reads them, so plain fields with
/// volatile reads are enough. Client counts change on SignalR threads and use interlocked updates.
/// </summary>
internal sealed class DashboardCounters
{
    public long TickRecords;
    public long LogRecords;
    public long MetricRecords;
    public long OtherRecords;
    public long Batches;
    public long Gaps;
    public long MissingRecords;
    public long Restarts;
    public long TopicUpdatesPushed;
    public long TickPushes;
    public long LogPushes;
    public long TopicPushes;
    public long SystemPushes;
    public long MetricPushes;
    public long LastRecordNs;
    public long LastGapNs;
    public int Clients;

    public long Records => Volatile.Read(ref TickRecords) + Volatile.Read(ref LogRecords) + Volatile.Read(ref MetricRecords) + Volatile.Read(ref OtherRecords);

    /// <summary>Receive thread, once per batch.</summary>
    public void OnBatch(string kind, int count, long nowNs)
    {
        Batches++;
        LastRecordNs = nowNs;
        switch (kind)
        {
            case "tick": TickRecords += count; break;
            case "log": LogRecords += count; break;
            case "metric": MetricRecords += count; break;
            default: OtherRecords += count; break;
        }
    }
}
