namespace Telemetry.Snapshots;

/// <summary>
/// Where a node's snapshot service gets the last values it answers with: a publisher's typed
/// records, a relay's cached batches (after asking its upstream).
/// </summary>
internal interface ISnapshotSource
{
    /// <summary>
    /// Starts answering a request whose barrier has come: sends what it has through
    /// <see cref="SnapshotAnswer.Send"/> and calls <see cref="SnapshotAnswer.Complete"/>, now or later.
    /// </summary>
    /// <returns>How many records were sent now (the round's budget is charged with them).</returns>
    int Answer(SnapshotAnswer answer);

    /// <summary>A started answer that was not completed by its deadline: complete it with what is known.</summary>
    void TimedOut(SnapshotAnswer answer);

    /// <summary>The last record of each topic under <paramref name="prefix"/> this node knows, each as a one-record batch (what a new conflated subscription starts from).</summary>
    IEnumerable<(string Topic, byte[] Batch)> LastRecords(string prefix);
}
