namespace Telemetry;

/// <summary>Settings of a <see cref="TelemetrySubscriber"/>. Immutable; change with <c>with</c>.</summary>
public sealed record SubscriberOptions
{
    /// <summary>The defaults: nothing connected, no prefix, a blocking buffer of 65,536 records.</summary>
    public static SubscriberOptions Default { get; } = new();

    /// <summary>Publishers or relays to connect to; reconnected automatically.</summary>
    public IReadOnlyList<string> Connect { get; init; } = [];

    /// <summary>Endpoints to bind, for the sink topology where many publishers connect to one subscriber.</summary>
    public IReadOnlyList<string> Bind { get; init; } = [];

    /// <summary>Topic prefixes subscribed at start; <c>""</c> means everything.</summary>
    public IReadOnlyList<string> Prefixes { get; init; } = [];

    /// <summary>
    /// Fetch the latest record of every topic under the prefixes when starting and on each later
    /// <c>Subscribe</c>, and merge it with the live stream by sequence number (late join).
    /// </summary>
    public bool Snapshot { get; init; }

    /// <summary>Snapshot services to ask; empty means each Connect endpoint's port + 1 (the publisher and relay convention).</summary>
    public IReadOnlyList<string> SnapshotEndpoints { get; init; } = [];

    /// <summary>Records each <c>ReadAllAsync</c> enumeration's own buffer holds.</summary>
    public int BufferCapacity { get; init; } = 65_536;

    /// <summary>What the buffer does when full.</summary>
    public BufferFullMode BufferFullMode { get; init; } = BufferFullMode.Block;

    /// <summary>Most (topic, publisher) streams tracked for gaps; beyond it batches are delivered untracked and counted.</summary>
    public int MaxTrackedStreams { get; init; } = 100_000;

    /// <summary>Largest message accepted; larger ones close the connection (ZeroMQ MaxMsgSize).</summary>
    public long MaxMessageBytes { get; init; } = 16 << 20;

    /// <summary>Messages ZeroMQ queues toward this subscriber.</summary>
    public int ReceiveHighWatermark { get; init; } = 10_000;

    /// <summary>Subscriptions ZeroMQ queues upstream; subscriptions beyond it would be lost, so it is large.</summary>
    public int SubscriptionHighWatermark { get; init; } = 1_000_000;

    /// <summary>ZMTP heartbeat interval.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long without traffic before the link is declared dead and reconnected.</summary>
    public TimeSpan HeartbeatTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Rate, recovery interval and receive buffer of <c>epgm://</c> endpoints.</summary>
    public PgmOptions Pgm { get; init; } = PgmOptions.Default;

    /// <summary>
    /// The public key (Z85, as in a <c>telemetry keygen</c> <c>.pub</c> file) of the CURVE publisher
    /// or relay this subscriber connects to, for the data and the snapshot connections. Null (the
    /// default) is plaintext. A CURVE client cannot also bind.
    /// </summary>
    public string? CurveServerKey { get; init; }

    /// <summary>
    /// This subscriber's own CURVE secret key (Z85). With <see cref="Bind"/> (the sink topology) it
    /// makes the bound endpoints CURVE servers; with <see cref="CurveServerKey"/> it is the client's
    /// long-term key instead of a fresh ephemeral one.
    /// </summary>
    public string? CurveSecretKey { get; init; }

    /// <summary>
    /// An entitlement token (from <c>telemetry token</c>) sent with every subscription and snapshot
    /// request, for publishers and relays that enforce entitlements: they honour only the prefixes it
    /// grants. A subscription to a prefix wider than the grant (e.g. <c>md.</c> with a grant of
    /// <c>md.SIM.</c>) is refused as a whole. Null sends plain subscriptions.
    /// </summary>
    public string? EntitlementToken { get; init; }

    /// <summary>
    /// What happens when records of a stream are missing: by default they are asked for from the
    /// publisher's or relay's retransmission window, and a <c>log</c> stream is held until they come
    /// (<see cref="GapRepair"/>). Only what no window holds any more is reported as a gap.
    /// </summary>
    public GapRepair GapRepair { get; init; } = GapRepair.ByKind;

    /// <summary>
    /// How long one repair request may take before what it asked for is reported as a gap (and a
    /// held stream goes on). At least a few round trips of the hops between this subscriber and the
    /// publisher. Two seconds by default.
    /// </summary>
    public TimeSpan RepairTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long a hole waits before it is asked for: a second path (two relays) may fill it with
    /// live data meanwhile. Null (the default) is 20 ms with several Connect endpoints, none with one.
    /// </summary>
    public TimeSpan? RepairDelay { get; init; }

    /// <summary>Bytes of later records a held stream keeps while it waits for a repair; beyond it the hole is reported as a gap. 16 MiB by default.</summary>
    public long MaxHeldBytes { get; init; } = 16 << 20;

    /// <summary>
    /// Whether to take publishers' and relays' conflated feed instead of every record: each topic's
    /// latest value at most once per the node's conflation interval (a relay's <c>--conflate-interval</c>,
    /// 100 ms by default), so a screen on a slow link sees current values rather than a backlog or
    /// holes: <see cref="Conflation.Always"/>, or <see cref="Conflation.WhenBehind"/> for only while
    /// this subscriber falls behind. The records in between were replaced on purpose: they are counted
    /// in <see cref="SubscriberStats.Conflated"/> and <see cref="BatchHeader.Conflated"/>, never
    /// reported as gaps, and never asked for. Needs a node that speaks the conflated feed
    /// (docs/wire-format.md, section 15); an older one sends a conflated subscription nothing. With
    /// <see cref="Snapshot"/> the current values also come at once on joining. Off by default.
    /// </summary>
    public Conflation Conflation { get; init; }

    /// <summary>
    /// Streams this subscriber already handled up to a point (a restarted sink's checkpoint): the
    /// first batch of such a stream is not a new baseline but continues from
    /// <see cref="StreamPosition.LastSequence"/>, so what was published meanwhile is asked for like
    /// any hole. A stream whose session changed meanwhile is a restart (its old session's tail is lost).
    /// </summary>
    public IReadOnlyList<StreamPosition> ResumeFrom { get; init; } = [];

    /// <summary>Returns the problems with these settings; empty when they are valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Bind.Count + Connect.Count == 0)
        {
            problems.Add("Give at least one Connect or Bind endpoint.");
        }

        PublisherOptions.Check(problems, !Snapshot || ResolveSnapshotEndpoints().Count > 0, "Snapshot needs SnapshotEndpoints or a Connect endpoint with an explicit port.");
        problems.AddRange(Bind.Concat(Connect).Where(e => !Endpoint.IsValidData(e)).Concat(SnapshotEndpoints.Where(e => !Endpoint.IsValid(e))).Select(e => $"'{e}' is not a tcp://HOST:PORT, inproc://NAME, ipc://NAME or epgm://<interface>;<group>:<port> endpoint."));
        problems.AddRange(Pgm.Validate());
        PublisherOptions.Check(problems, Prefixes.All(p => p is not null && System.Text.Encoding.UTF8.GetByteCount(p) <= Wire.WireFormat.MaxTopicBytes), "Prefixes must be at most 1024 UTF-8 bytes.");
        PublisherOptions.Check(problems, BufferCapacity >= 1, "BufferCapacity must be at least 1.");
        PublisherOptions.Check(problems, MaxTrackedStreams >= 1, "MaxTrackedStreams must be at least 1.");
        PublisherOptions.Check(problems, MaxMessageBytes is >= 1024 and <= Wire.WireFormat.MaxMessageBytesLimit, "MaxMessageBytes must be 1024 to 1 GiB.");
        PublisherOptions.Check(problems, ReceiveHighWatermark >= 1 && SubscriptionHighWatermark >= 1, "High-water marks must be at least 1.");
        PublisherOptions.Check(problems, HeartbeatInterval > TimeSpan.Zero && HeartbeatTimeout > HeartbeatInterval, "HeartbeatTimeout must exceed a positive HeartbeatInterval.");
        PublisherOptions.Check(problems, EntitlementToken is null || (EntitlementToken.Length is > 0 and <= Security.EntitlementTokens.MaxTokenLength && EntitlementToken.All(c => c is > ' ' and < (char)127)), "EntitlementToken must be printable ASCII of at most 4096 characters.");
        PublisherOptions.Check(problems, Enum.IsDefined(GapRepair), "GapRepair must be ByKind, Hold, Immediate or Off.");
        PublisherOptions.Check(problems, Enum.IsDefined(Conflation), "Conflation must be Off, Always or WhenBehind.");
        PublisherOptions.Check(problems, RepairTimeout > TimeSpan.Zero && RepairDelay is not { Ticks: < 0 } && MaxHeldBytes >= 0, "RepairTimeout must be positive; RepairDelay and MaxHeldBytes must not be negative.");
        Internal.Curve.Validate(problems, CurveSecretKey, CurveServerKey, Bind.Count, Connect.Count, nameof(CurveSecretKey), nameof(CurveServerKey));
        return problems;
    }

    internal TimeSpan ResolveRepairDelay() => RepairDelay ?? (Connect.Count > 1 ? TimeSpan.FromMilliseconds(20) : TimeSpan.Zero);

    internal IReadOnlyList<string> ResolveSnapshotEndpoints() =>
        SnapshotEndpoints.Count > 0
            ? SnapshotEndpoints
            : [.. Connect.Select(Wire.SnapshotProtocol.DeriveEndpoint).OfType<string>()];

    internal void ThrowIfInvalid()
    {
        var problems = Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid subscriber options: " + string.Join(" ", problems));
        }
    }
}
