using System.Text;
using NetMQ;
using NetMQ.Sockets;
using Telemetry.Internal;
using Telemetry.Snapshots;
using Telemetry.Wire;

namespace Telemetry.Relay;

/// <content>
/// The relay's snapshot service. A request waits for the requester's <c>_snap.&lt;nonce&gt;</c>
/// barrier subscription (so the live stream toward it is open), is passed on with the same nonce to
/// the upstream snapshot services (the barrier was forwarded up too, after this relay's own upstream
/// subscriptions), and their answers go back down as they come; topics only this relay's cache
/// knows are added at the end. If the upstream does not answer in time the cache answers alone.
/// </content>
internal sealed partial class Forwarder
{
    private static readonly TimeSpan UpstreamAnswerTimeout = TimeSpan.FromSeconds(5);

    private readonly List<DealerSocket> _upstreamSnapshots = [];
    private LastValueCache _cache = null!;
    private RouterSocket? _snapshotServer;
    private NetMQTimer? _snapshotTimer;
    private SnapshotIntake<Pending>? _snapshotIntake;

    /// <summary>The snapshot service's counters (all zero when it is off).</summary>
    public SnapshotStats SnapshotStats => _snapshotIntake?.Stats ?? default;

    private void SetUpSnapshots()
    {
        _cache = new LastValueCache(_options.MaxCachedTopics);
        var endpoints = _options.ResolveSnapshotBind(BoundEndpoints);
        if (endpoints.Count == 0)
        {
            return;
        }

        _snapshotIntake = new SnapshotIntake<Pending>(_entitlementSecret, _logger, $"Relay {_options.Name}", static r => new Pending(r), AskUpstream);
        _snapshotServer = new RouterSocket();
        _snapshotServer.Options.Linger = TimeSpan.Zero;
        _snapshotServer.Options.SendHighWatermark = 1_000_000;
        _snapshotServer.Options.MaxMsgSize = SnapshotProtocol.MaxRequestFrameBytes;
        Curve.ApplyServer(_snapshotServer, _options.CurveSecretKey);
        foreach (var endpoint in endpoints)
        {
            _snapshotServer.Bind(endpoint);
        }

        // A bounded read per wake: a flood of requests waits in the socket, behind it in TCP, and the
        // poller gives the data sockets their turn in between.
        _snapshotServer.ReceiveReady += (_, _) => _snapshotIntake.Receive(_snapshotServer);
        foreach (var endpoint in _options.ResolveUpstreamSnapshot())
        {
            var dealer = new DealerSocket();
            dealer.Options.Linger = TimeSpan.Zero;
            dealer.Options.ReceiveHighWatermark = 1_000_000;
            dealer.Options.MaxMsgSize = _options.MaxMessageBytes;
            Curve.ApplyClient(dealer, _options.CurveServerKey, _options.CurveSecretKey);
            dealer.Connect(endpoint);
            dealer.ReceiveReady += (_, e) => ReceiveUpstreamAnswers(e.Socket);
            _upstreamSnapshots.Add(dealer);
        }

        _snapshotTimer = new NetMQTimer(TimeSpan.FromMilliseconds(250));
        _snapshotTimer.Elapsed += (_, _) => _snapshotIntake.Expire(OnExpired);
    }

    private void AddSnapshotSockets(NetMQPoller poller)
    {
        if (_snapshotServer is null)
        {
            return;
        }

        poller.Add(_snapshotServer);
        poller.Add(_snapshotTimer!);
        foreach (var dealer in _upstreamSnapshots)
        {
            poller.Add(dealer);
        }
    }

    private void DisposeSnapshots()
    {
        _snapshotServer?.Dispose();
        foreach (var dealer in _upstreamSnapshots)
        {
            dealer.Dispose();
        }
    }

    partial void OnBatch(ReadOnlySpan<char> topic, ReadOnlyMemory<byte> body, in Envelope envelope)
    {
        _cache.Update(topic, body.Span, envelope);
        Counters.CachedTopics = _cache.Count;
    }

    partial void OnSubscription(bool subscribe, string prefix)
    {
        if (prefix.StartsWith(SnapshotProtocol.BarrierPrefix, StringComparison.Ordinal))
        {
            _snapshotIntake?.NoteBarrier(subscribe, prefix[SnapshotProtocol.BarrierPrefix.Length..]);
        }
    }

    /// <summary>The requester's barrier came: pass the request on to every upstream snapshot service.</summary>
    private void AskUpstream(Pending pending)
    {
        pending.AskedUpstream = true;
        pending.UpstreamRemaining = _upstreamSnapshots.Count;
        _snapshotIntake!.Pending.Reschedule(pending.Request.Nonce, Environment.TickCount64 + (long)UpstreamAnswerTimeout.TotalMilliseconds);
        foreach (var dealer in _upstreamSnapshots)
        {
            var request = new NetMQMessage();
            request.Append(SnapshotProtocol.ProtocolId);
            request.Append(pending.Request.Nonce);
            foreach (var prefix in pending.Request.Prefixes)
            {
                request.Append(prefix);
            }

            if (_options.EntitlementToken is { } token)
            {
                request.Append(Security.EntitlementWire.AuthFramePrefix + token);
            }

            dealer.SendMultipartMessage(request);
        }

        if (pending.UpstreamRemaining == 0)
        {
            Complete(pending);
        }
    }

    private void OnExpired(Pending pending)
    {
        if (!pending.AskedUpstream)
        {
            _snapshotIntake!.CountExpired(); // the requester's barrier never came: it has gone
            return;
        }

        Counters.SnapshotsFromCacheOnly++;
        Complete(pending);
    }

    private void ReceiveUpstreamAnswers(NetMQSocket dealer)
    {
        var frames = new List<byte[]>(3);
        Span<char> topicChars = stackalloc char[InboundValidator.MaxTopicChars];
        while (dealer.TryReceiveMultipartBytes(ref frames, 3))
        {
            if (frames.Count != 3 || !_snapshotIntake!.Pending.TryGet(Encoding.UTF8.GetString(frames[0]), out var pending))
            {
                continue;
            }

            if (frames[1].Length == 0)
            {
                if (--pending.UpstreamRemaining == 0)
                {
                    Complete(pending);
                }

                continue;
            }

            // The upstream's answer is input like any batch: validated before the relay passes it on.
            var error = InboundValidator.Validate(frames[1], frames[2], topicChars, out int length, out _);
            if (error != DecodeError.None)
            {
                Counters.Rejected.Add(error);
                continue;
            }

            // Several upstreams may know a topic; the first answer wins, the subscriber's sequence
            // tracking would drop an older repeat anyway.
            string topic = topicChars[..length].ToString();
            if (pending.Request.Allows(topic) && pending.Sent.Add(topic))
            {
                _snapshotServer!.SendMoreFrame(pending.Request.Identity).SendMoreFrame(frames[0]).SendMoreFrame(frames[1]).SendFrame(frames[2]);
            }
        }
    }

    /// <summary>Adds the topics only this relay's cache knows and ends the answer.</summary>
    private void Complete(Pending pending)
    {
        var request = pending.Request;
        _snapshotIntake!.Pending.Remove(request.Nonce);
        byte[] nonce = Encoding.UTF8.GetBytes(request.Nonce);
        foreach (var (topic, batch) in _cache.LastRecords(request.Prefixes, pending.Sent))
        {
            if (!request.Allows(topic))
            {
                continue;
            }

            _snapshotServer!.SendMoreFrame(request.Identity).SendMoreFrame(nonce).SendMoreFrame(topic).SendFrame(batch);
            pending.Sent.Add(topic);
        }

        _snapshotServer!.SendMoreFrame(request.Identity).SendMoreFrame(nonce).SendMoreFrameEmpty().SendFrame(SnapshotProtocol.EncodeEnd(pending.Sent.Count));
        _snapshotIntake.CountAnswered();
    }

    /// <summary>A request on its way: waiting for its barrier, then for the upstream answers.</summary>
    private sealed class Pending(SnapshotRequest request)
    {
        public SnapshotRequest Request { get; } = request;

        public bool AskedUpstream { get; set; }

        public int UpstreamRemaining { get; set; }

        public HashSet<string> Sent { get; } = new(StringComparer.Ordinal);
    }
}
