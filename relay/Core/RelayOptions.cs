namespace Telemetry.Relay;

/// <summary>Settings of a relay: where it reads from, where it fans out, and its socket limits.</summary>
public sealed record RelayOptions
{
    /// <summary>Name used in logs and the snapshot service.</summary>
    public string Name { get; init; } = "relay";

    /// <summary>Publishers or relays to connect to (XSUB); each is reconnected on its own.</summary>
    public IReadOnlyList<string> Upstream { get; init; } = [];

    /// <summary>
    /// Endpoints to bind on the upstream side (collector mode): applications' publishers connect
    /// here (<see cref="PublisherOptions.Connect"/>) instead of being connected to; beside or instead
    /// of <see cref="Upstream"/>. Subscriptions, snapshots (from this relay's cache), entitlements and
    /// CURVE (this relay is the server; clients need its public key) work as on any relay.
    /// </summary>
    public IReadOnlyList<string> Collect { get; init; } = [];

    /// <summary>Endpoints to bind for downstream subscribers and relays (XPUB).</summary>
    public IReadOnlyList<string> Bind { get; init; } = [];

    /// <summary>Where this relay's snapshot service answers late joiners; empty means each Bind port + 1.</summary>
    public IReadOnlyList<string> SnapshotBind { get; init; } = [];

    /// <summary>Upstream snapshot services asked first, so a snapshot is complete even for topics this relay only just subscribed; empty means each Upstream port + 1.</summary>
    public IReadOnlyList<string> UpstreamSnapshot { get; init; } = [];

    /// <summary>Most topics whose last batch the relay keeps for snapshots.</summary>
    public int MaxCachedTopics { get; init; } = 100_000;

    /// <summary>Messages queued per downstream peer before ZeroMQ drops (subscribers see the gap).</summary>
    public int SendHighWatermark { get; init; } = 1000;

    /// <summary>
    /// Messages queued from upstream. Beyond it NetMQ stops reading the TCP connection, so a backlog
    /// waits in kernel buffers and then in the upstream's own bounded queue rather than in this
    /// process: at 10,000 a lagging forwarder held up to 10,000 batches in managed memory, and the
    /// relay's RSS stepped up 13% in a 10-minute soak at 1M records/s; at 1,000 it stayed within 7%
    /// with no more loss. With an epgm:// output or input the relay queues at least 10,000 anyway:
    /// multicast cannot be pushed back on.
    /// </summary>
    public int ReceiveHighWatermark { get; init; } = 1000;

    /// <summary>Subscriptions queued upstream; NetMQ silently loses those beyond it, so it is large.</summary>
    public int SubscriptionHighWatermark { get; init; } = 1_000_000;

    /// <summary>Largest message accepted from upstream.</summary>
    public long MaxMessageBytes { get; init; } = 16 << 20;

    /// <summary>ZMTP heartbeat interval on both sides.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a silent link lives before it is dropped and reconnected.</summary>
    public TimeSpan HeartbeatTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Rate, recovery interval and packet size of <c>epgm://</c> upstreams and downstreams.</summary>
    public PgmOptions Pgm { get; init; } = PgmOptions.Default;

    /// <summary>CURVE secret key (Z85) of the downstream side: the bound data and snapshot endpoints then accept only CURVE clients that know its public key. Also this relay's long-term key toward a CURVE upstream.</summary>
    public string? CurveSecretKey { get; init; }

    /// <summary>Public key (Z85) of the CURVE upstream publisher or relay, for the data and snapshot connections.</summary>
    public string? CurveServerKey { get; init; }

    /// <summary>Entitlement secret (base64) for downstream: subscriptions and snapshot requests are honoured only with a valid token signed with it that grants them. Null honours everything.</summary>
    public string? EntitlementSecret { get; init; }

    /// <summary>This relay's own entitlement token, sent upstream with its subscriptions and snapshot requests.</summary>
    public string? EntitlementToken { get; init; }

    /// <summary>The most bytes of recently forwarded batches kept for gap repair; 0 keeps none (requests then all go upstream).</summary>
    public long RetransmitWindowBytes { get; init; } = Distribution.NodeOptions.DefaultWindowBytes;

    /// <summary>The longest a forwarded batch is kept for gap repair.</summary>
    public TimeSpan RetransmitWindowAge { get; init; } = Distribution.NodeOptions.DefaultWindowAge;

    /// <summary>
    /// How long a repair request this relay passed upstream (its window did not hold the range) may
    /// go unanswered before its waiters are told "unknown". Five seconds by default: several round
    /// trips of a WAN hop. Keep it above the upstream's own repair timeout.
    /// </summary>
    public TimeSpan UpstreamRepairTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How often peers with conflated subscriptions (<c>_cfl.&lt;prefix&gt;</c>, <see cref="SubscriberOptions.Conflation"/>)
    /// are sent each changed topic's latest value; what came between is counted as conflated.
    /// </summary>
    public TimeSpan ConflateInterval { get; init; } = Distribution.NodeOptions.DefaultConflateInterval;

    /// <summary>Returns the problems with these settings.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Upstream.Count == 0 && Collect.Count == 0)
        {
            problems.Add("Give at least one --upstream or --collect endpoint (Relay:Upstream, Relay:Collect).");
        }

        if (Collect.Count > 0 && CurveServerKey is not null && CurveSecretKey is not null)
        {
            problems.Add("A collector is the CURVE server of its upstream side: --curve-server-key (a CURVE upstream to connect to) cannot go with --collect and --curve-key.");
        }

        if (Bind.Count == 0)
        {
            problems.Add("Give at least one --bind endpoint (Relay:Bind).");
        }

        problems.AddRange(Collect.Where(e => e.StartsWith("epgm://", StringComparison.Ordinal)).Select(e => $"'{e}': --collect binds tcp://, inproc:// or ipc:// (an epgm:// group is an --upstream)."));
        problems.AddRange(Upstream.Concat(Collect).Concat(Bind).Where(e => !Endpoint.IsValidData(e)).Concat(SnapshotBind.Concat(UpstreamSnapshot).Where(e => !Endpoint.IsValid(e))).Select(e => $"'{e}' is not a tcp://HOST:PORT, inproc://NAME, ipc://NAME or epgm://<interface>;<group>:<port> endpoint."));
        problems.AddRange(Pgm.Validate());
        if (MaxMessageBytes is < 1024 or > Wire.WireFormat.MaxMessageBytesLimit)
        {
            problems.Add("Relay:MaxMessageBytes must be 1024 to 1 GiB.");
        }

        if (SendHighWatermark < 1 || ReceiveHighWatermark < 1 || SubscriptionHighWatermark < 1)
        {
            problems.Add("High-water marks must be at least 1.");
        }

        if (UpstreamRepairTimeout <= TimeSpan.Zero)
        {
            problems.Add("Relay:UpstreamRepairTimeout must be positive.");
        }

        if (ConflateInterval < TimeSpan.FromMilliseconds(1) || ConflateInterval > TimeSpan.FromMinutes(1))
        {
            problems.Add("Relay:ConflateInterval must be 1 ms to 1 minute.");
        }

        if (HeartbeatInterval <= TimeSpan.Zero || HeartbeatTimeout <= HeartbeatInterval)
        {
            problems.Add("HeartbeatTimeout must exceed a positive HeartbeatInterval.");
        }

        if (CurveSecretKey is not null && !CurveKeyPair.IsZ85Key(CurveSecretKey))
        {
            problems.Add("Relay:CurveSecretKey must be a 40-character Z85 key.");
        }

        if (EntitlementSecret is not null && Security.EntitlementSecrets.TryDecode(EntitlementSecret) is null)
        {
            problems.Add("Relay:EntitlementSecret must be base64 of at least 16 bytes.");
        }

        if (CurveServerKey is not null && !CurveKeyPair.IsZ85Key(CurveServerKey))
        {
            problems.Add("Relay:CurveServerKey must be a 40-character Z85 key.");
        }

        return problems;
    }

    internal IReadOnlyList<string> ResolveUpstreamSnapshot() =>
        UpstreamSnapshot.Count > 0 ? UpstreamSnapshot : [.. Upstream.Select(Wire.SnapshotProtocol.DeriveEndpoint).OfType<string>()];
}
