using Microsoft.Extensions.Logging;
using NetMQ;
using NetMQ.Monitoring;
using NetMQ.Sockets;
using Telemetry.Distribution;
using Telemetry.Internal;
using Telemetry.Security;
using Telemetry.Transport.Pgm;
using Telemetry.Wire;

namespace Telemetry.Relay;

/// <summary>
/// The relay on one thread: the upstream input (an XSUB, with each epgm:// group received by a
/// <see cref="PgmInput"/> it connects to over inproc) feeding a <see cref="DistributionNode"/>, the
/// same downstream side a publisher has. Batches are validated and moved on without copying;
/// subscriptions from downstream go up through the XSUB, which passes on only the first subscribe
/// and last unsubscribe of a prefix and replays them all when an upstream reconnects.
/// </summary>
internal sealed class Forwarder : ISubscriptionObserver, IDisposable
{
    private const int MaxMessagesPerWake = 4096;

    // Multicast cannot be pushed back on, in either direction: an epgm input loses what the
    // forwarder cannot take in time, and an epgm output blocks the forwarder when a burst exceeds
    // its rate, so the upstream queue has to absorb the burst or it becomes loss for every
    // downstream. Either way the relay queues deeper than a TCP-only relay needs to.
    private const int PgmQueue = 10_000;

    private readonly RelayOptions _options;
    private readonly ILogger _logger;
    private readonly XSubscriberSocket _up;
    private readonly NetMQMonitor _upMonitor;
    private readonly NetMQPoller _poller;
    private readonly DistributionNode _node;
    private readonly UpstreamSnapshots _snapshots;
    private readonly HeldSubscriptions _held = new();
    private readonly List<PgmInput> _pgmInputs = [];
    private readonly UpstreamRepairs _repairs;
    private readonly NetMQTimer _repairTimer = new(TimeSpan.FromMilliseconds(1)) { Enable = false };
    private readonly NetMQTimer _conflationTimer;
    private Thread? _thread;
    private Msg _topic;
    private Msg _body;

    public Forwarder(RelayOptions options, ILogger logger)
    {
        NetMqRuntime.EnsureConfigured();
        _options = options;
        _logger = logger;
        Counters = new LinkCounters(new RejectedInput(logger, $"Relay {options.Name}"));
        _up = new XSubscriberSocket();
        _up.Options.ReceiveHighWatermark = options.Bind.Any(PgmEndpoint.IsPgm) ? Math.Max(options.ReceiveHighWatermark, PgmQueue) : options.ReceiveHighWatermark;
        _up.Options.SendHighWatermark = options.SubscriptionHighWatermark;
        _up.Options.MaxMsgSize = options.MaxMessageBytes;
        _up.Options.Linger = TimeSpan.Zero;
        NetMqRuntime.ApplyLinkOptions(_up, options.HeartbeatInterval, options.HeartbeatTimeout);
        // A collector binds its upstream side, so there it is the CURVE server; otherwise a client.
        if (options.Collect.Count > 0)
        {
            Curve.ApplyServer(_up, options.CurveSecretKey);
        }
        else
        {
            Curve.ApplyClient(_up, options.CurveServerKey, options.CurveSecretKey);
        }

        _upMonitor = new NetMQMonitor(_up, $"inproc://relay-up-{Guid.NewGuid():N}", SocketEvents.Connected | SocketEvents.Accepted | SocketEvents.Disconnected);
        _upMonitor.Connected += (_, e) =>
        {
            Interlocked.Increment(ref Counters.UpstreamConnects);
            Log.UpstreamConnected(_logger, e.Address);
        };
        _upMonitor.Accepted += (_, e) =>
        {
            Interlocked.Increment(ref Counters.UpstreamConnects);
            Log.UpstreamConnected(_logger, e.Address);
        };
        _upMonitor.Disconnected += (_, e) =>
        {
            Interlocked.Increment(ref Counters.UpstreamDisconnects);
            Log.UpstreamDisconnected(_logger, e.Address);
        };

        // A NetMQMonitor reports only what happens after it is attached (its PAIR connects then), and a
        // local upstream or a reconnecting peer connects within microseconds of Connect/Bind: attach
        // to the forwarder's poller first, so no connection goes uncounted.
        _poller = [_up];
        _upMonitor.AttachToPoller(_poller);
        _snapshots = new UpstreamSnapshots(options, Counters);
        _node = new DistributionNode(NodeOptionsOf(options), _snapshots, _poller, logger);
        _repairs = new UpstreamRepairs(_up, _node.Repairs, Counters, options.EntitlementToken, options.UpstreamRepairTimeout);
        _node.Repairs.Forwarder = _repairs;
        _up.ReceiveReady += (_, _) => ForwardBatches();
        _node.Socket.ReceiveReady += (_, _) =>
        {
            _node.ReceiveSubscriptions(this, MaxMessagesPerWake);
            ScheduleRepairs();
        };
        _poller.Add(_node.Socket);

        // While repairs are being answered, a round every millisecond between the data's own rounds.
        _repairTimer.Elapsed += (_, _) =>
        {
            _repairs.Expire();
            _node.Repairs.AnswerRound();
            ScheduleRepairs();
        };
        _poller.Add(_repairTimer);

        // While a peer holds a conflated subscription, its latest values go out each interval even when no data arrives to end a round.
        _conflationTimer = new NetMQTimer(TimeSpan.FromMilliseconds(_node.Conflation.IntervalMs)) { Enable = false };
        _conflationTimer.Elapsed += (_, _) => _node.EndRound();
        _poller.Add(_conflationTimer);
        _node.Snapshots?.Attach(_poller);
        if (_node.Snapshots is not null)
        {
            _snapshots.Connect(_poller);
        }

        var collecting = new List<string>();
        foreach (var endpoint in options.Collect)
        {
            _up.Bind(endpoint);
            collecting.Add(_up.Options.LastEndpoint ?? endpoint);
        }

        CollectEndpoints = collecting;
        foreach (var endpoint in options.Upstream.Where(e => !PgmEndpoint.IsPgm(e)))
        {
            _up.Connect(endpoint);
        }

        OpenPgmInputs();
        _topic.InitEmpty();
        _body.InitEmpty();
    }

    public LinkCounters Counters { get; }

    /// <summary>The window's and the repairs' counters.</summary>
    public RetransmitStats Retransmit => _node.RetransmitStats;

    /// <summary>Records the conflated feed replaced by newer ones before sending, and the latest values it sent.</summary>
    public (long Conflated, long Sent) Conflation => (_node.Conflation.Conflated, _node.Conflation.Sent);

    /// <summary>Downstream repair requests joined to one already in flight upstream.</summary>
    public long RepairsCoalesced => _repairs.Coalesced;

    /// <summary>The downstream side's counters: connections, messages sent, refused subscriptions.</summary>
    public NodeCounters Downstream => _node.Counters;

    public IReadOnlyList<string> BoundEndpoints => _node.BoundEndpoints;

    /// <summary>The upstream endpoints bound in collector mode (with <c>*</c> ports resolved).</summary>
    public IReadOnlyList<string> CollectEndpoints { get; }

    /// <summary>The snapshot service's counters (all zero when it is off).</summary>
    public SnapshotStats SnapshotStats => _node.SnapshotStats;

    /// <summary>Counters of the epgm:// outputs, in the order given.</summary>
    public IReadOnlyList<PgmSenderStats> GetPgmOutputStats() => _node.Pgm.GetStats();

    /// <summary>Counters of the epgm:// inputs, in the order given.</summary>
    public IReadOnlyList<PgmReceiverStats> GetPgmInputStats() => [.. _pgmInputs.Select(i => i.GetStats())];

    public void Start()
    {
        _thread = new Thread(_poller.Run) { IsBackground = true, Name = "relay-forwarder" };
        _thread.Start();
        Log.RelayStarted(_logger, _options.Name, string.Join(", ", _options.Upstream.Concat(CollectEndpoints.Select(e => $"collect {e}"))), string.Join(", ", BoundEndpoints));
    }

    public void Dispose()
    {
        if (_poller.IsRunning)
        {
            _poller.Stop();
        }

        _thread?.Join();
        _upMonitor.Dispose();
        _node.Dispose();
        _snapshots.Dispose();
        _poller.Dispose();
        foreach (var input in _pgmInputs)
        {
            input.Dispose();
        }

        _up.Dispose();
    }

    /// <summary>A downstream change honoured by the node: held, and sent upstream when it changes the held set.</summary>
    void ISubscriptionObserver.OnSubscription(bool subscribe, string prefix, bool barrier)
    {
        if (_held.Apply(subscribe, prefix))
        {
            SendUp(subscribe, prefix);
        }

        Counters.HeldSubscriptions = _held.Count;
    }

    private static NodeOptions NodeOptionsOf(RelayOptions options) => new()
    {
        Owner = $"relay {options.Name}",
        Bind = [.. options.Bind.Where(e => !PgmEndpoint.IsPgm(e))],
        Pgm = [.. options.Bind.Where(PgmEndpoint.IsPgm)],
        PgmOptions = options.Pgm,
        PgmLinger = TimeSpan.FromSeconds(2),
        SnapshotBind = options.SnapshotBind,
        SnapshotsBesideData = true,
        SendHighWatermark = options.SendHighWatermark,
        SubscriptionHighWatermark = options.SubscriptionHighWatermark,
        Linger = TimeSpan.Zero,
        HeartbeatInterval = options.HeartbeatInterval,
        HeartbeatTimeout = options.HeartbeatTimeout,
        CurveSecretKey = options.CurveSecretKey,
        EntitlementSecret = options.EntitlementSecret,
        WindowBytes = options.RetransmitWindowBytes,
        WindowAge = options.RetransmitWindowAge,
        ConflateInterval = options.ConflateInterval,
    };

    private void ScheduleRepairs()
    {
        _repairTimer.Enable = _node.Repairs.HasWork || _repairs.Pending > 0;
        if (_conflationTimer.Enable != _node.Conflation.Active)
        {
            _conflationTimer.Enable = _node.Conflation.Active;
        }
    }

    private void ForwardBatches()
    {
        // A constant size, never the wire's: the validator refuses longer topics.
        Span<char> topicChars = stackalloc char[InboundValidator.MaxTopicChars];
        for (int i = 0; i < MaxMessagesPerWake && MessageFrames.TryReceive(_up, ref _topic, ref _body, out var error); i++)
        {
            int size = _body.Size;
            if (error == DecodeError.None && RepairProtocol.IsAnswerTopic(_topic.Slice()))
            {
                error = AnswerFromUpstream(topicChars);
                if (error == DecodeError.None)
                {
                    continue;
                }
            }
            else if (error == DecodeError.None)
            {
                error = InboundValidator.Validate(_topic.Slice(), _body.SliceAsMemory(), topicChars, out int topicLength, out var envelope);
                if (error == DecodeError.None)
                {
                    Forward(topicChars[..topicLength], size, envelope);
                    continue;
                }
            }

            Counters.Rejected.Add(error);
        }

        _node.EndRound();
        ScheduleRepairs();
    }

    /// <summary>A repair answer from upstream: an end marker, or a batch validated like any other.</summary>
    private DecodeError AnswerFromUpstream(Span<char> topicChars)
    {
        int records = -1;
        if (!RepairProtocol.TryDecodeEnd(_body.Slice(), out _))
        {
            var error = InboundValidator.Validate(_topic.Slice(), _body.SliceAsMemory(), topicChars, out _, out var envelope);
            if (error != DecodeError.None)
            {
                return error;
            }

            records = envelope.Count;
        }

        _repairs.OnAnswer(_topic.Slice(), _body.SliceAsMemory(), records);
        return DecodeError.None;
    }

    /// <summary>Sends the validated message in <c>_topic</c>/<c>_body</c> downstream as it is.</summary>
    private void Forward(ReadOnlySpan<char> topic, int size, in Envelope envelope)
    {
        Counters.UpMessages++;
        Counters.UpBytes += size;
        Counters.UpRecords += envelope.Count;
        _snapshots.Cache.Update(topic, _body.Slice(), envelope);
        Counters.CachedTopics = _snapshots.Cache.Count;
        Span<char> key = stackalloc char[RepairProtocol.MaxStreamKeyChars];
        int keyLength = RepairProtocol.WriteStreamKey(key, topic, _body.Slice()[envelope.Publisher], envelope.Session);
        _node.Forward(ref _topic, ref _body, key[..keyLength], envelope.FirstSequence, envelope.Count);
        Counters.DownMessages++;
        Counters.DownBytes += size;
        Counters.DownRecords += envelope.Count;
    }

    /// <summary>Sends a change of the held set upstream, with this relay's own token when it has one.</summary>
    private void SendUp(bool subscribe, string prefix)
    {
        _up.SendFrame(EntitlementWire.Subscription(subscribe, prefix, _options.EntitlementToken));
        if (subscribe)
        {
            Counters.SubscriptionsForwarded++;
        }
        else
        {
            Counters.UnsubscriptionsForwarded++;
        }
    }

    private void OpenPgmInputs()
    {
        foreach (var endpoint in _options.Upstream.Where(PgmEndpoint.IsPgm))
        {
            var input = new PgmInput(endpoint, _options.Pgm, _options.MaxMessageBytes, Math.Max(_options.ReceiveHighWatermark, PgmQueue));
            _pgmInputs.Add(input);
            _up.Connect(input.Address);
        }

        // Multicast receivers cannot subscribe upstream, so with an epgm output the relay holds ""
        // for itself: replayed to upstreams that reconnect, and pinned, so a tcp subscriber that
        // unsubscribes "" does not stop the multicast feed.
        if (!_node.Pgm.IsEmpty && _held.Pin(string.Empty))
        {
            SendUp(subscribe: true, string.Empty);
        }
    }
}
