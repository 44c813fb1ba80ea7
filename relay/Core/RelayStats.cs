namespace Telemetry.Relay;

/// <summary>A snapshot of a relay's counters since it started; upstream is what came in, downstream what went out.</summary>
/// <param name="UpMessages">Batches received from upstream and accepted.</param>
/// <param name="UpRecords">Records in them.</param>
/// <param name="UpBytes">Their batch bytes.</param>
/// <param name="DownMessages">Batches sent downstream.</param>
/// <param name="DownRecords">Records in them.</param>
/// <param name="DownBytes">Their batch bytes.</param>
/// <param name="SubscriptionsForwarded">Subscribes sent upstream (the first holder of a prefix).</param>
/// <param name="UnsubscriptionsForwarded">Unsubscribes sent upstream (its last holder gone).</param>
/// <param name="HeldSubscriptions">Distinct prefixes held for downstream now.</param>
/// <param name="UpstreamConnects">Upstream connections made or, in collector mode, accepted.</param>
/// <param name="UpstreamDisconnects">Upstream connections lost.</param>
/// <param name="DownstreamConnections">Downstream peers connected now.</param>
/// <param name="SubscriptionsRefused">Downstream subscriptions refused by the entitlement gate.</param>
/// <param name="SubscriptionsLost">Downstream subscriptions lost to NetMQ's pairing in manual mode.</param>
/// <param name="CachedTopics">Topics in the last-value cache.</param>
/// <param name="SnapshotsFromCacheOnly">Snapshots answered from the cache alone (the upstream did not answer in time).</param>
/// <param name="Snapshots">The snapshot service's counters.</param>
/// <param name="Retransmit">The retransmission window and the repair requests answered or forwarded.</param>
/// <param name="RepairsCoalesced">Downstream repair requests joined to one already in flight upstream for the same range.</param>
/// <param name="ConflatedRecords">Records the conflated feed replaced by a newer one of their topic before sending (docs/wire-format.md, section 15).</param>
/// <param name="ConflatedSent">Latest values the conflated feed sent.</param>
/// <param name="Malformed">Messages refused by the inbound validator, by kind (metric label, e.g. <c>bad_topic</c>).</param>
public sealed record RelayStats(
    long UpMessages,
    long UpRecords,
    long UpBytes,
    long DownMessages,
    long DownRecords,
    long DownBytes,
    long SubscriptionsForwarded,
    long UnsubscriptionsForwarded,
    int HeldSubscriptions,
    long UpstreamConnects,
    long UpstreamDisconnects,
    int DownstreamConnections,
    long SubscriptionsRefused,
    long SubscriptionsLost,
    int CachedTopics,
    long SnapshotsFromCacheOnly,
    SnapshotStats Snapshots,
    IReadOnlyDictionary<string, long> Malformed,
    RetransmitStats Retransmit = default,
    long RepairsCoalesced = 0,
    long ConflatedRecords = 0,
    long ConflatedSent = 0)
{
    /// <summary>Every refused message, whatever its kind.</summary>
    public long MalformedTotal => Malformed.Values.Sum();
}
