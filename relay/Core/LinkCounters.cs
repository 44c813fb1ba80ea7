using Telemetry.Internal;

namespace Telemetry.Relay;

/// <summary>
/// What crossed the relay (the downstream side's own counters are the node's), written by the forwarding thread only and read by the metrics scrape,
/// so plain fields with volatile reads are enough.
/// </summary>
internal sealed class LinkCounters(RejectedInput rejected)
{
    /// <summary>Messages refused by the inbound validator, by kind: from upstream and from upstream snapshot services.</summary>
    public RejectedInput Rejected { get; } = rejected;

    public long UpMessages;
    public long UpRecords;
    public long UpBytes;
    public long DownMessages;
    public long DownRecords;
    public long DownBytes;
    public long SubscriptionsForwarded;
    public long UnsubscriptionsForwarded;
    public long UpstreamConnects;
    public long UpstreamDisconnects;
    public int HeldSubscriptions;
    public long SnapshotsFromCacheOnly;
    public int CachedTopics;
}
