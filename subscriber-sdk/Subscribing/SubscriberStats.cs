namespace Telemetry;

/// <summary>A snapshot of a subscriber's counters since it started.</summary>
/// <param name="Messages">Messages received (well-formed or not).</param>
/// <param name="Bytes">Batch bytes received.</param>
/// <param name="Records">Records handed to the application.</param>
/// <param name="Gaps">Gaps: missing records that no repair could fill (or, with repair off, every hole).</param>
/// <param name="MissingRecords">Records reported missing by those gaps.</param>
/// <param name="Restarts">Publisher restarts (new sessions) seen.</param>
/// <param name="DuplicateRecords">Records received again and not delivered twice.</param>
/// <param name="Malformed">Messages rejected as malformed (wrong frames, bad topic, bad envelope or record), each also logged once per kind.</param>
/// <param name="KindMismatch">Records skipped because their kind did not match the reader's record type.</param>
/// <param name="Dropped">Records dropped by the delivery buffer (<see cref="BufferFullMode.DropOldest"/>).</param>
/// <param name="Conflated">Records replaced by a newer one of the same topic: in the delivery buffer (<see cref="BufferFullMode.Conflate"/>) or by the node's conflated feed (<see cref="SubscriberOptions.Conflation"/>).</param>
/// <param name="Untracked">Batches delivered without gap detection because the stream bound was reached.</param>
/// <param name="HandlerErrors">Batches whose handler threw.</param>
/// <param name="Buffered">Records waiting in the delivery buffer now.</param>
/// <param name="Snapshots">Late-join snapshots completed.</param>
/// <param name="SnapshotTimeouts">Snapshots abandoned because a service did not answer in time.</param>
/// <param name="RepairRequests">Repair requests sent for missing records (<see cref="SubscriberOptions.GapRepair"/>).</param>
/// <param name="RepairedRecords">Missing records that came in repair answers and were delivered.</param>
/// <param name="Resyncs">Topics whose latest value was lost beyond every window and came back from the snapshot service (<see cref="BatchHeader.Resync"/>).</param>
/// <param name="ConflationSwitches">Times a prefix switched to the conflated feed because this subscriber fell behind (<see cref="Conflation.WhenBehind"/>).</param>
/// <param name="LateRepairRecords">Records of repair answers that came after their request was given up, dropped.</param>
public readonly record struct SubscriberStats(
    long Messages,
    long Bytes,
    long Records,
    long Gaps,
    long MissingRecords,
    long Restarts,
    long DuplicateRecords,
    long Malformed,
    long KindMismatch,
    long Dropped,
    long Conflated,
    long Untracked,
    long HandlerErrors,
    int Buffered,
    long Snapshots,
    long SnapshotTimeouts,
    long RepairRequests = 0,
    long RepairedRecords = 0,
    long LateRepairRecords = 0,
    long Resyncs = 0,
    long ConflationSwitches = 0);
