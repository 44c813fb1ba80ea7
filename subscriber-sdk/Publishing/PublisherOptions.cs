namespace Telemetry;

/// <summary>Settings of a <see cref="TelemetryPublisher{T}"/>. Immutable; change with <c>with</c>.</summary>
public sealed record PublisherOptions
{
    /// <summary>The defaults: nothing bound or connected, blocking queue of 65,536 records.</summary>
    public static PublisherOptions Default { get; } = new();

    /// <summary>The publisher name written in every batch. Defaults to <c>host/pid</c>.</summary>
    public string Name { get; init; } = $"{Environment.MachineName}/{Environment.ProcessId}";

    /// <summary>Endpoints to bind, e.g. <c>tcp://127.0.0.1:5556</c> or <c>inproc://feed</c>. A port of <c>*</c> picks a free one.</summary>
    public IReadOnlyList<string> Bind { get; init; } = [];

    /// <summary>Endpoints to connect to, e.g. a central sink's bound SUB.</summary>
    public IReadOnlyList<string> Connect { get; init; } = [];

    /// <summary>
    /// Endpoints where the late-join snapshot service answers (ROUTER): the last record of every
    /// topic, with its sequence number. Empty turns it off unless <see cref="SnapshotsBesideData"/>.
    /// </summary>
    public IReadOnlyList<string> SnapshotBind { get; init; } = [];

    /// <summary>
    /// With no <see cref="SnapshotBind"/>, serve snapshots beside each bound tcp:// endpoint, on the
    /// next port (<c>inproc://name</c> gets <c>inproc://name.snapshot</c>): where subscribers and
    /// relays look by default. Off by default.
    /// </summary>
    public bool SnapshotsBesideData { get; init; }

    /// <summary>
    /// The batch kind of every topic (unless <c>Topic(name, kind)</c> says otherwise); null means the
    /// record type's: <see cref="IRecord{TSelf}.Kind"/>, <see cref="TelemetryKindAttribute"/>, or its full name.
    /// </summary>
    public string? Kind { get; init; }

    /// <summary>Records the queue between callers and the sender thread holds (rounded up to a power of two).</summary>
    public int QueueCapacity { get; init; } = 65_536;

    /// <summary>What a publish does when the queue is full.</summary>
    public QueueFullMode QueueFullMode { get; init; } = QueueFullMode.Block;

    /// <summary>Most records in one message; under load batches grow up to this.</summary>
    public int MaxBatchRecords { get; init; } = 1024;

    /// <summary>A batch is closed once its records take this many bytes.</summary>
    public int MaxBatchBytes { get; init; } = 64 * 1024;

    /// <summary>
    /// A budget of messages per second for the sender thread; 0 means none. A NetMQ PUB sends about
    /// 180,000 messages/s whatever their size, so when a round sends many small batches (many topics
    /// under load) the next round waits in proportion, and the records that pile up meanwhile make the
    /// next batches larger. A round of one message is never delayed, so a quiet feed keeps its latency.
    /// </summary>
    public int MaxMessagesPerSecond { get; init; } = 100_000;

    /// <summary>Messages queued per subscriber before ZeroMQ drops (silently; subscribers see a gap). Applies to <see cref="SlowSubscriberMode.Drop"/>.</summary>
    public int SendHighWatermark { get; init; } = 1000;

    /// <summary>Whether a subscriber that falls behind loses messages (the default) or makes the sender wait.</summary>
    public SlowSubscriberMode SlowSubscriberMode { get; init; } = SlowSubscriberMode.Drop;

    /// <summary>
    /// With <see cref="SlowSubscriberMode.Wait"/>: how many bytes of this publisher's messages (their
    /// buffers, sizes rounded up to a power of two) ZeroMQ may hold before the sender waits. ZeroMQ's
    /// own high-water mark counts messages, and a message carries one record or a thousand depending
    /// on the load, so only a byte budget both bounds memory and absorbs a subscriber's pauses. The
    /// sender checks it once per round, so the queues can exceed it by one round (at most 16,384 records).
    /// </summary>
    public long SendBufferBytes { get; init; } = 64L << 20;

    /// <summary>ZMTP heartbeat interval, so dead peers are noticed without waiting for TCP.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long without traffic before a peer is declared dead.</summary>
    public TimeSpan HeartbeatTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The most bytes of recently sent batches kept for gap repair (the retransmission window,
    /// docs/wire-format.md section 14); 0 keeps none and answers every repair request "unknown".
    /// 256 MiB (the default) holds about 7 s of a 1M records/s tick feed.
    /// </summary>
    public long RetransmitWindowBytes { get; init; } = Distribution.NodeOptions.DefaultWindowBytes;

    /// <summary>The longest a sent batch is kept for gap repair (30 s by default).</summary>
    public TimeSpan RetransmitWindowAge { get; init; } = Distribution.NodeOptions.DefaultWindowAge;

    /// <summary>
    /// How often a topic that has gone quiet sends a heartbeat: an empty batch carrying the next
    /// sequence number, so a receiver notices a lost tail without waiting for the next record, and
    /// can tell a quiet topic from a stale one. Sent while the topic's last batch is within
    /// <see cref="RetransmitWindowAge"/>; zero sends none. One second by default.
    /// </summary>
    public TimeSpan StreamHeartbeatInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long disposal waits for queued messages to reach the network.</summary>
    public TimeSpan Linger { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Rate, recovery interval and packet size of <c>epgm://</c> endpoints.</summary>
    public PgmOptions Pgm { get; init; } = PgmOptions.Default;

    /// <summary>
    /// This publisher's CURVE secret key (Z85, as in a <c>telemetry keygen</c> <c>.key</c> file). When
    /// set, every bound endpoint (data and snapshot) is a CURVE server: links are encrypted and only
    /// clients that know the matching public key get through. Null (the default) is plaintext.
    /// </summary>
    public string? CurveSecretKey { get; init; }

    /// <summary>
    /// The public key (Z85) of the CURVE server this publisher connects to, e.g. a sink started with
    /// its own key; the connection then uses <see cref="CurveSecretKey"/> or an ephemeral key. A
    /// CURVE client cannot also bind.
    /// </summary>
    public string? CurveServerKey { get; init; }

    /// <summary>
    /// The operator's entitlement secret (base64, at least 16 bytes; <c>telemetry token --new-secret</c>
    /// writes one). When set, a subscription is honoured only if it carries a valid, unexpired token
    /// signed with this secret that grants its prefix; others are refused and counted, and the
    /// snapshot service answers only granted topics. Null (the default) honours every subscription.
    /// </summary>
    public string? EntitlementSecret { get; init; }

    /// <summary>Returns the problems with these settings; empty when they are valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(Name) || System.Text.Encoding.UTF8.GetByteCount(Name) > Wire.WireFormat.MaxPublisherBytes)
        {
            problems.Add($"Name must be 1 to {Wire.WireFormat.MaxPublisherBytes} UTF-8 bytes.");
        }

        if (Bind.Count + Connect.Count == 0)
        {
            problems.Add("Give at least one Bind or Connect endpoint.");
        }

        problems.AddRange(Bind.Concat(Connect).Where(e => !Endpoint.IsValidData(e)).Concat(SnapshotBind.Where(e => !Endpoint.IsValid(e))).Select(e => $"'{e}' is not a tcp://HOST:PORT, inproc://NAME, ipc://NAME or epgm://<interface>;<group>:<port> endpoint."));
        problems.AddRange(Pgm.Validate());
        Check(problems, QueueCapacity is >= 2 and <= 1 << 24, "QueueCapacity must be 2 to 16,777,216.");
        Check(problems, MaxBatchRecords is >= 1 and <= 65_536, "MaxBatchRecords must be 1 to 65,536.");
        Check(problems, MaxBatchBytes is >= 256 and <= 16 << 20, "MaxBatchBytes must be 256 B to 16 MiB.");
        Check(problems, SendHighWatermark >= 1, "SendHighWatermark must be at least 1.");
        Check(problems, Enum.IsDefined(SlowSubscriberMode), "SlowSubscriberMode must be Drop or Wait.");
        Check(problems, SendBufferBytes >= 64 << 10, "SendBufferBytes must be at least 64 KiB.");
        Check(problems, MaxMessagesPerSecond >= 0, "MaxMessagesPerSecond must not be negative (0 = no budget).");
        Check(problems, HeartbeatInterval > TimeSpan.Zero && HeartbeatTimeout > HeartbeatInterval, "HeartbeatTimeout must exceed a positive HeartbeatInterval.");
        Check(problems, Linger >= TimeSpan.Zero, "Linger must not be negative.");
        Check(problems, RetransmitWindowBytes >= 0 && RetransmitWindowAge >= TimeSpan.Zero, "RetransmitWindowBytes and RetransmitWindowAge must not be negative.");
        Check(problems, StreamHeartbeatInterval >= TimeSpan.Zero, "StreamHeartbeatInterval must not be negative (0 = none).");
        Check(problems, EntitlementSecret is null || Security.EntitlementSecrets.TryDecode(EntitlementSecret) is not null, $"EntitlementSecret must be base64 of at least {Security.EntitlementTokens.MinSecretBytes} bytes.");
        Internal.Curve.Validate(problems, CurveSecretKey, CurveServerKey, Bind.Count, Connect.Count, nameof(CurveSecretKey), nameof(CurveServerKey));
        return problems;
    }

    internal static void Check(List<string> problems, bool ok, string problem)
    {
        if (!ok)
        {
            problems.Add(problem);
        }
    }

    internal void ThrowIfInvalid()
    {
        var problems = Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid publisher options: " + string.Join(" ", problems));
        }
    }
}
