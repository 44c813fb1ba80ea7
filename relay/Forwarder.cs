using Microsoft.Extensions.Logging;
using NetMQ;
using NetMQ.Monitoring;
using NetMQ.Sockets;
using Telemetry.Internal;
using Telemetry.Wire;

namespace Telemetry.Relay;

/// <summary>
/// The relay's data path on one thread: batches from the XSUB (upstream) go to the XPUB (downstream)
/// as they are, moved without copying; subscriptions from the XPUB go up through the XSUB, which
/// passes on only the first subscribe and last unsubscribe of a prefix and replays them all when an
/// upstream reconnects. Only the envelope is read, to count records and reject malformed input.
/// </summary>
internal sealed partial class Forwarder : IDisposable
{
    private const int MaxMessagesPerWake = 4096;

    private readonly RelayOptions _options;
    private readonly ILogger _logger;
    private readonly XSubscriberSocket _up;
    private readonly XPublisherSocket _down;
    private readonly NetMQMonitor _upMonitor;
    private readonly NetMQMonitor _downMonitor;
    private readonly NetMQPoller _poller;
    private readonly HashSet<string> _held = new(StringComparer.Ordinal);

    // Prefixes the relay holds for itself (an epgm:// output wants everything): a downstream
    // subscriber that drops the same prefix must not withdraw it upstream.
    private readonly HashSet<string> _pinned = new(StringComparer.Ordinal);
    private Thread? _thread;
    private Msg _topic;
    private Msg _body;
    private Msg _subscription;

    public Forwarder(RelayOptions options, ILogger logger)
    {
        NetMqRuntime.EnsureConfigured();
        _options = options;
        _logger = logger;
        Counters = new LinkCounters(new RejectedInput(logger, $"Relay {options.Name}"));
        _up = new XSubscriberSocket();
        _down = new XPublisherSocket();
        _up.Options.ReceiveHighWatermark = UpstreamQueue(options);
        _up.Options.SendHighWatermark = options.SubscriptionHighWatermark;
        _up.Options.MaxMsgSize = options.MaxMessageBytes;
        _up.Options.Linger = TimeSpan.Zero;
        _down.Options.SendHighWatermark = options.SendHighWatermark;
        _down.Options.ReceiveHighWatermark = options.SubscriptionHighWatermark;
        _down.Options.Linger = TimeSpan.Zero;
        NetMqRuntime.ApplyLinkOptions(_up, options.HeartbeatInterval, options.HeartbeatTimeout);
        NetMqRuntime.ApplyLinkOptions(_down, options.HeartbeatInterval, options.HeartbeatTimeout);
        Curve.ApplyClient(_up, options.CurveServerKey, options.CurveSecretKey);
        Curve.ApplyServer(_down, options.CurveSecretKey);
        SetUpEntitlements();

        string id = Guid.NewGuid().ToString("N");
        _upMonitor = new NetMQMonitor(_up, $"inproc://relay-up-{id}", SocketEvents.Connected | SocketEvents.Disconnected);
        _upMonitor.Connected += (_, e) =>
        {
            Interlocked.Increment(ref Counters.UpstreamConnects);
            Log.UpstreamConnected(_logger, e.Address);
        };
        _upMonitor.Disconnected += (_, e) =>
        {
            Interlocked.Increment(ref Counters.UpstreamDisconnects);
            Log.UpstreamDisconnected(_logger, e.Address);
        };
        _downMonitor = new NetMQMonitor(_down, $"inproc://relay-down-{id}", SocketEvents.Accepted | SocketEvents.Disconnected);
        _downMonitor.Accepted += (_, _) => Interlocked.Increment(ref Counters.DownstreamConnections);
        _downMonitor.Disconnected += (_, _) => Interlocked.Decrement(ref Counters.DownstreamConnections);

        // A NetMQMonitor reports only what happens after it is attached (its PAIR connects then), and a
        // local upstream or a reconnecting peer connects within microseconds of Connect/Bind: attach
        // to the forwarder's poller first, so no connection goes uncounted.
        _up.ReceiveReady += (_, _) => ForwardBatches();
        _down.ReceiveReady += (_, _) => ForwardSubscriptions();
        _poller = [_up, _down];
        _upMonitor.AttachToPoller(_poller);
        _downMonitor.AttachToPoller(_poller);
        var bound = new List<string>();
        foreach (var endpoint in options.Bind.Where(e => !IsPgm(e)))
        {
            _down.Bind(endpoint);
            bound.Add(_down.Options.LastEndpoint ?? endpoint);
        }

        bound.AddRange(OpenPgmOutputs());
        BoundEndpoints = bound;
        foreach (var endpoint in options.Upstream.Where(e => !IsPgm(e)))
        {
            _up.Connect(endpoint);
        }

        OpenPgmInputs();

        SetUpSnapshots();
        AddSnapshotSockets(_poller);
        _topic.InitEmpty();
        _body.InitEmpty();
        _subscription.InitEmpty();
    }

    public LinkCounters Counters { get; }

    public IReadOnlyList<string> BoundEndpoints { get; }

    public void Start()
    {
        _thread = new Thread(_poller.Run) { IsBackground = true, Name = "relay-forwarder" };
        _thread.Start();
        Log.RelayStarted(_logger, _options.Name, string.Join(", ", _options.Upstream), string.Join(", ", BoundEndpoints));
    }

    public void Dispose()
    {
        if (_poller.IsRunning)
        {
            _poller.Stop();
        }

        _thread?.Join();
        _upMonitor.Dispose();
        _downMonitor.Dispose();
        _poller.Dispose();
        DisposeSnapshots();
        ClosePgm();
        _up.Dispose();
        _down.Dispose();
    }

    private void ForwardBatches()
    {
        // A constant size, never the wire's: the validator refuses longer topics.
        Span<char> topicChars = stackalloc char[InboundValidator.MaxTopicChars];
        for (int i = 0; i < MaxMessagesPerWake && MessageFrames.TryReceive(_up, ref _topic, ref _body, out var error); i++)
        {
            int size = _body.Size;
            if (error == DecodeError.None)
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

        FlushPgm();
    }

    /// <summary>Sends the validated message in <c>_topic</c>/<c>_body</c> downstream as it is.</summary>
    private void Forward(ReadOnlySpan<char> topic, int size, in Envelope envelope)
    {
        Counters.UpMessages++;
        Counters.UpBytes += size;
        Counters.UpRecords += envelope.Count;
        OnBatch(topic, _body.SliceAsMemory(), envelope);
        WritePgm(_topic.Slice(), _body.Slice());
        _down.Send(ref _topic, more: true);
        _down.Send(ref _body, more: false);
        Counters.DownMessages++;
        Counters.DownBytes += size;
        Counters.DownRecords += envelope.Count;
    }

    private void ForwardSubscriptions()
    {
        if (_gate is not null)
        {
            ForwardEntitledSubscriptions(_gate);
            return;
        }

        for (int i = 0; i < MaxMessagesPerWake && _down.TryReceive(ref _subscription, TimeSpan.Zero); i++)
        {
            var frame = _subscription.Slice();
            if (frame.Length == 0 || frame[0] > 1)
            {
                continue;
            }

            bool subscribe = frame[0] == 1;
            string prefix = System.Text.Encoding.UTF8.GetString(frame[1..]);
            if (Hold(subscribe, prefix))
            {
                ForwardUp(subscribe, prefix);
            }

            Counters.HeldSubscriptions = _held.Count;
        }
    }

    /// <summary>Applies a downstream subscription change to the held set; true when it must go upstream.</summary>
    private bool Hold(bool subscribe, string prefix) =>
        subscribe ? _held.Add(prefix) : !_pinned.Contains(prefix) && _held.Remove(prefix);

    /// <summary>Sends a change of the held set upstream, with this relay's own token when it has one.</summary>
    private void ForwardUp(bool subscribe, string prefix)
    {
        OnSubscription(subscribe, prefix);
        if (_options.EntitlementToken is null)
        {
            _up.Send(ref _subscription, more: false);
        }
        else
        {
            _up.SendFrame(Security.EntitlementWire.Subscription(subscribe, prefix, _options.EntitlementToken));
        }

        if (subscribe)
        {
            Counters.SubscriptionsForwarded++;
        }
        else
        {
            Counters.UnsubscriptionsForwarded++;
        }
    }

    /// <summary>Hook for the last-value cache: called for every valid batch before it is forwarded.</summary>
    partial void OnBatch(ReadOnlySpan<char> topic, ReadOnlyMemory<byte> body, in Envelope envelope);

    /// <summary>Hook for the snapshot service: called for every subscription change from downstream.</summary>
    partial void OnSubscription(bool subscribe, string prefix);
}
