namespace Telemetry.Subscribing;

/// <summary>
/// What a subscriber counts. Written on its receive thread only (by the receive loop, the snapshot
/// client and the consumers), read by <c>GetStats</c> on any thread.
/// </summary>
internal sealed class SubscriberCounters
{
    public long Messages;
    public long Bytes;
    public long Records;
    public long Gaps;
    public long Missing;
    public long Restarts;
    public long Duplicates;
    public long ReceiveFailures;
    public long KindMismatch;
    public long Untracked;
    public long HandlerErrors;
    public long Snapshots;
    public long SnapshotTimeouts;
    public long RepairRequests;
    public long Repaired;
    public long LateRepairs;
    public long ResyncRequests;
    public long Resynced;
    public long FeedConflated;
    public long ConflationSwitches;
}
