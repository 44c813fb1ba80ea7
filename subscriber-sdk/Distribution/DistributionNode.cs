using Microsoft.Extensions.Logging;
using NetMQ;
using NetMQ.Monitoring;
using NetMQ.Sockets;
using Telemetry.Internal;
using Telemetry.Security;
using Telemetry.Snapshots;
using Telemetry.Wire;

namespace Telemetry.Distribution;

/// <summary>
/// The downstream side of a node, the same in a publisher and a relay: the XPUB socket and its
/// options, subscription intake (plain, or through the entitlement gate, with snapshot barriers),
/// the late-join snapshot service fed by the node's last values, the epgm:// outputs, and their
/// counters. The owner feeds it batches and tells it when to read subscriptions, all on one thread
/// (the publisher's sender, the relay's poller).
/// </summary>
internal sealed class DistributionNode : IDisposable
{
    private readonly NodeOptions _options;
    private readonly XPublisherSocket _socket;
    private readonly NetMQMonitor _monitor;
    private readonly SubscriptionIntake _intake;
    private readonly SentMessageBytes? _sentBytes;
    private Action<byte[], byte[]>? _sendConflated;

    /// <summary>Sets the node up and attaches its endpoints.</summary>
    /// <param name="options">What to bind, connect and serve.</param>
    /// <param name="source">Where the snapshot service finds last values.</param>
    /// <param name="monitorPoller">The poller that runs the connection monitor (before any bind, so no peer goes uncounted).</param>
    /// <param name="logger">Where refusals and changes are logged.</param>
    /// <param name="waitForSubscribers">Count the bytes ZeroMQ holds of this node's messages (<see cref="SlowSubscriberMode.Wait"/>).</param>
    public DistributionNode(NodeOptions options, ISnapshotSource source, NetMQPoller monitorPoller, ILogger logger, bool waitForSubscribers = false)
    {
        _options = options;
        var secret = EntitlementSecrets.TryDecode(options.EntitlementSecret);
        _socket = new XPublisherSocket();
        try
        {
            _socket.Options.SendHighWatermark = options.SendHighWatermark;
            if (options.SubscriptionHighWatermark is int subscriptionQueue)
            {
                _socket.Options.ReceiveHighWatermark = subscriptionQueue;
            }

            _socket.Options.Linger = options.Linger;
            NetMqRuntime.ApplyLinkOptions(_socket, options.HeartbeatInterval, options.HeartbeatTimeout);

            // Downstream peers connect to a node (it is their CURVE server) unless the node connects
            // out to a server whose key it was given: a sink, a collector.
            Curve.ApplyServer(_socket, options.CurveServerKey is null ? options.CurveSecretKey : null);
            Curve.ApplyClient(_socket, options.CurveServerKey, options.CurveSecretKey);
            EntitlementGate? gate = null;
            if (secret is not null)
            {
                _socket.Options.ManualPublisher = true;
                gate = new EntitlementGate(secret, logger, options.Owner);
            }

            Window = new RetransmitWindow(options.WindowBytes, options.WindowAge);
            Repairs = new RepairService(Window, SendAnswer, secret, logger, options.Owner, options.SendHighWatermark > 0 ? Math.Max(1, options.SendHighWatermark / 2) : 0);
            Conflation = new ConflatedFeed(options.ConflateInterval, options.MaxConflatedTopics, source);
            _intake = new SubscriptionIntake(_socket, gate, Counters, logger, Repairs, Conflation);
            _monitor = new NetMQMonitor(_socket, $"inproc://telemetry-node-{Guid.NewGuid():N}", SocketEvents.Accepted | SocketEvents.Connected | SocketEvents.Disconnected);
            _monitor.Accepted += (_, _) => Counters.Connected();
            _monitor.Connected += (_, _) => Counters.Connected();
            _monitor.Disconnected += (_, _) => Counters.Disconnected();

            // AttachToPoller connects the monitor's own socket before returning: events raised before
            // that are lost, and a local peer connects within microseconds of Bind.
            _monitor.AttachToPoller(monitorPoller);
            var bound = new List<string>();
            foreach (var endpoint in options.Bind)
            {
                _socket.Bind(endpoint);
                bound.Add(_socket.Options.LastEndpoint ?? endpoint);
            }

            foreach (var endpoint in options.Connect)
            {
                _socket.Connect(endpoint);
            }

            Pgm = new PgmFanout(options.Pgm, options.PgmOptions, options.PgmLinger);
            bound.AddRange(options.Pgm);
            BoundEndpoints = bound;
            var snapshotEndpoints = options.SnapshotBind.Count > 0 || !options.SnapshotsBesideData
                ? options.SnapshotBind
                : [.. bound.Select(SnapshotProtocol.DeriveEndpoint).OfType<string>()];
            Snapshots = snapshotEndpoints.Count == 0 ? null : new SnapshotService(snapshotEndpoints, secret, options.CurveSecretKey, logger, options.Owner, source);
            _sentBytes = waitForSubscribers ? new SentMessageBytes() : null;
        }
        catch
        {
            Pgm?.Dispose();
            _monitor?.Dispose();
            _socket.Dispose();
            throw;
        }
    }

    public NodeCounters Counters { get; } = new();

    /// <summary>The batches this node sent recently, for repairs.</summary>
    public RetransmitWindow Window { get; }

    /// <summary>The window's and the repair service's counters; read on any thread (values may be a round old).</summary>
    public RetransmitStats RetransmitStats
    {
        get
        {
            var repairs = Repairs.Stats;
            return new RetransmitStats(Window.Bytes, Window.Batches, Window.EvictedBatches, Window.EvictedRecords, repairs.Answered, repairs.Forwarded, repairs.Refused, repairs.Malformed, repairs.RecordsResent);
        }
    }

    /// <summary>Answers repair requests from <see cref="Window"/> (or, in a relay, passes them upstream).</summary>
    public RepairService Repairs { get; }

    /// <summary>The latest value per topic for peers with conflated subscriptions.</summary>
    public ConflatedFeed Conflation { get; }

    /// <summary>The endpoints bound (with <c>*</c> ports resolved) and the epgm groups, in the order given.</summary>
    public IReadOnlyList<string> BoundEndpoints { get; }

    /// <summary>The snapshot service; null when the node serves no snapshots.</summary>
    public SnapshotService? Snapshots { get; }

    public PgmFanout Pgm { get; }

    /// <summary>The snapshot service's counters (zero when it is off).</summary>
    public SnapshotStats SnapshotStats => Snapshots?.Stats ?? default;

    /// <summary>Bytes of this node's messages ZeroMQ still holds (when it waits for subscribers; zero otherwise).</summary>
    public long QueuedBytes => _sentBytes?.Bytes ?? 0;

    /// <summary>The XPUB, for the owner's poller: its readiness means subscriptions to read.</summary>
    internal XPublisherSocket Socket => _socket;

    /// <summary>
    /// Reads up to <paramref name="budget"/> subscription messages, telling <paramref name="observer"/>
    /// of each honoured change and the snapshot service of each barrier, then answers the snapshot
    /// requests that became ready. Returns true when the socket had no more.
    /// </summary>
    public bool ReceiveSubscriptions(ISubscriptionObserver observer, int budget = int.MaxValue)
    {
        bool drained = _intake.Receive(observer, NoteBarrier, budget);
        Snapshots?.AnswerReady();
        Repairs.AnswerRound();
        return drained;
    }

    /// <summary>
    /// Sends one batch, its body <paramref name="header"/> then <paramref name="records"/>, to every
    /// subscriber and group, and keeps it in the window (a heartbeat, <paramref name="count"/> 0, is not kept).
    /// </summary>
    public void Send(ReadOnlySpan<byte> topic, ReadOnlySpan<byte> header, ReadOnlySpan<byte> records, ReadOnlySpan<char> streamKey, ulong first, int count)
    {
        Window.Add(streamKey, topic, first, count, header, records, Environment.TickCount64);
        SendMessage(topic, header, records);
        Pgm.Write(topic, header, records);
        if (Conflation.Active)
        {
            Conflation.Offer(topic, header, records);
        }
    }

    /// <summary>Keeps a batch in the window without sending it: its topic has no subscriber now, but had one within the window's age.</summary>
    public void Retain(ReadOnlySpan<byte> topic, ReadOnlySpan<byte> header, ReadOnlySpan<byte> records, ReadOnlySpan<char> streamKey, ulong first, int count) =>
        Window.Add(streamKey, topic, first, count, header, records, Environment.TickCount64);

    /// <summary>
    /// Ends a round of sends: the epgm outputs send their partly filled packets, the window drops what
    /// aged out, and the conflated feed sends its latest values when its interval is up (the owner
    /// ends a round at least that often while <see cref="ConflatedFeed.HasWork"/>).
    /// </summary>
    public void EndRound()
    {
        Pgm.Flush();
        long now = Environment.TickCount64;
        Window.Evict(now);
        if (Conflation.HasWork)
        {
            Conflation.Flush(now, _sendConflated ??= (topic, body) => SendMessage(topic, body, default));
        }
    }

    private void SendAnswer(string topic, ReadOnlySpan<byte> body) =>
        SendMessage(System.Text.Encoding.UTF8.GetBytes(topic), body, default);

    private void SendMessage(ReadOnlySpan<byte> topic, ReadOnlySpan<byte> header, ReadOnlySpan<byte> records)
    {
        var msg = default(Msg);
        using (_sentBytes is null ? default : _sentBytes.ClaimTakes())
        {
            msg.InitPool(topic.Length);
            topic.CopyTo(msg.Slice());
            _socket.Send(ref msg, more: true);
            msg.Close();

            // NetMQ keeps the pooled array until the I/O thread has written it, so the batch is copied
            // once into a message-owned buffer; the caller's encode buffers are reused at once.
            msg.InitPool(header.Length + records.Length);
            var body = msg.Slice();
            header.CopyTo(body);
            records.CopyTo(body[header.Length..]);
            _socket.Send(ref msg, more: false);
            msg.Close();
        }

        Counters.Sent(header.Length + records.Length);
    }

    /// <summary>Sends a received batch on as it is, moving its frames (no copy; the window keeps a copy); both are left empty.</summary>
    public void Forward(ref Msg topic, ref Msg body, ReadOnlySpan<char> streamKey, ulong first, int count)
    {
        int size = body.Size;
        Window.Add(streamKey, topic.Slice(), first, count, body.Slice(), default, Environment.TickCount64);
        Pgm.Write(topic.Slice(), body.Slice(), default);
        if (Conflation.Active)
        {
            Conflation.Offer(topic.Slice(), body.Slice(), default);
        }

        _socket.Send(ref topic, more: true);
        _socket.Send(ref body, more: false);
        Counters.Sent(size);
    }

    /// <summary>Closes the snapshot service, the epgm outputs (each lingers for repairs) and the XPUB.</summary>
    public void Dispose()
    {
        _monitor.DetachFromPoller();
        _monitor.Dispose();
        Snapshots?.Dispose();
        Pgm.Dispose();
        _socket.Dispose();
        _sentBytes?.Dispose();
        Conflation.Dispose();
    }

    private void NoteBarrier(bool subscribe, string nonce) => Snapshots?.NoteBarrier(subscribe, nonce);
}
