namespace Telemetry;

/// <summary>A snapshot of a publisher's counters since it started.</summary>
/// <param name="Published">Records accepted by <c>Publish</c>.</param>
/// <param name="Sent">Records written into batches and handed to ZeroMQ.</param>
/// <param name="Batches">Messages sent.</param>
/// <param name="Bytes">Batch bytes sent (frame 1 only).</param>
/// <param name="DroppedQueueFull">Records dropped because the queue was full (<see cref="QueueFullMode.DropNewest"/>).</param>
/// <param name="DroppedUnsubscribed">Records not encoded because no subscriber wanted their topic.</param>
/// <param name="QueueDepth">Records waiting for the sender thread now.</param>
/// <param name="Subscriptions">Distinct topic prefixes subscribed by peers now.</param>
/// <param name="Connections">Connected peers now.</param>
/// <param name="RefusedSubscriptions">Subscriptions and snapshot requests refused for want of a valid token granting them (<see cref="PublisherOptions.EntitlementSecret"/>).</param>
/// <param name="Snapshots">The late-join snapshot service's counters (all zero when it is off).</param>
/// <param name="Retransmit">The retransmission window and the repairs answered from it.</param>
/// <param name="Heartbeats">Stream heartbeats sent (<see cref="PublisherOptions.StreamHeartbeatInterval"/>).</param>
/// <param name="QueuedBytes">Bytes of this publisher's messages ZeroMQ still holds, not yet written to the network (<see cref="SlowSubscriberMode.Wait"/>; zero otherwise).</param>
public readonly record struct PublisherStats(
    long Published,
    long Sent,
    long Batches,
    long Bytes,
    long DroppedQueueFull,
    long DroppedUnsubscribed,
    int QueueDepth,
    int Subscriptions,
    int Connections,
    long RefusedSubscriptions = 0,
    SnapshotStats Snapshots = default,
    long QueuedBytes = 0,
    RetransmitStats Retransmit = default,
    long Heartbeats = 0);
