using Telemetry.Transport.Pgm;

namespace Telemetry.Distribution;

/// <summary>
/// How a <see cref="DistributionNode"/> sets up the downstream side of a node: what a publisher and
/// a relay configure alike, each from its own options type.
/// </summary>
internal sealed record NodeOptions
{
    /// <summary>Who owns the node, for log lines: "publisher X" or "relay Y".</summary>
    public required string Owner { get; init; }

    /// <summary>tcp:// (and inproc://) endpoints the XPUB binds.</summary>
    public IReadOnlyList<string> Bind { get; init; } = [];

    /// <summary>tcp:// endpoints the XPUB connects to (a collector or a sink).</summary>
    public IReadOnlyList<string> Connect { get; init; } = [];

    /// <summary>epgm:// groups every batch is also sent to.</summary>
    public IReadOnlyList<string> Pgm { get; init; } = [];

    public PgmOptions PgmOptions { get; init; } = PgmOptions.Default;

    /// <summary>How long an epgm output keeps answering repair requests after it is closed.</summary>
    public TimeSpan PgmLinger { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Where the late-join snapshot service answers; empty means beside the data (<see cref="SnapshotsBesideData"/>) or none.</summary>
    public IReadOnlyList<string> SnapshotBind { get; init; } = [];

    /// <summary>With no <see cref="SnapshotBind"/>, serve snapshots beside each bound data endpoint: the next TCP port, <c>inproc://name.snapshot</c>.</summary>
    public bool SnapshotsBesideData { get; init; }

    /// <summary>The XPUB's per-subscriber message limit; 0 means none.</summary>
    public int SendHighWatermark { get; init; } = 1000;

    /// <summary>The XPUB's limit of queued subscription messages; null leaves NetMQ's default.</summary>
    public int? SubscriptionHighWatermark { get; init; }

    public TimeSpan Linger { get; init; }

    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan HeartbeatTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>This node's CURVE secret key: a server downstream unless <see cref="CurveServerKey"/> is set.</summary>
    public string? CurveSecretKey { get; init; }

    /// <summary>The server key of what the XPUB connects to (a sink or a collector).</summary>
    public string? CurveServerKey { get; init; }

    /// <summary>The most bytes of recent batches kept for repairs; 0 keeps none.</summary>
    public long WindowBytes { get; init; } = DefaultWindowBytes;

    /// <summary>The longest a batch is kept for repairs.</summary>
    public TimeSpan WindowAge { get; init; } = DefaultWindowAge;

    /// <summary>256 MiB: about 7 s of a 1M records/s feed of ticks (~36 bytes a record on the wire).</summary>
    public const long DefaultWindowBytes = 256L << 20;

    public static readonly TimeSpan DefaultWindowAge = TimeSpan.FromSeconds(30);

    /// <summary>How often the conflated feed sends each changed topic's latest value (docs/wire-format.md, section 15).</summary>
    public TimeSpan ConflateInterval { get; init; } = DefaultConflateInterval;

    /// <summary>100 ms: the ~10 updates a second per topic a screen can show.</summary>
    public static readonly TimeSpan DefaultConflateInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>The most topics the conflated feed keeps a latest value of.</summary>
    public int MaxConflatedTopics { get; init; } = 100_000;

    /// <summary>The entitlement secret (base64); null turns the gate off.</summary>
    public string? EntitlementSecret { get; init; }
}
