using System.Text;
using NetMQ;
using NetMQ.Sockets;
using Telemetry.Internal;
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

    private readonly HashSet<string> _barriers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Pending> _pending = new(StringComparer.Ordinal);
    private readonly List<DealerSocket> _upstreamSnapshots = [];
    private LastValueCache _cache = null!;
    private RouterSocket? _snapshotServer;
    private NetMQTimer? _snapshotTimer;

    private void SetUpSnapshots()
    {
        _cache = new LastValueCache(_options.MaxCachedTopics);
        var endpoints = _options.ResolveSnapshotBind(BoundEndpoints);
        if (endpoints.Count == 0)
        {
            return;
        }

        _snapshotServer = new RouterSocket();
        _snapshotServer.Options.Linger = TimeSpan.Zero;
        _snapshotServer.Options.SendHighWatermark = 1_000_000;
        Curve.ApplyServer(_snapshotServer, _options.CurveSecretKey);
        foreach (var endpoint in endpoints)
        {
            _snapshotServer.Bind(endpoint);
        }

        _snapshotServer.ReceiveReady += (_, _) => ReceiveRequests();
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
        _snapshotTimer.Elapsed += (_, _) => Progress();
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
            string nonce = prefix[SnapshotProtocol.BarrierPrefix.Length..];
            if (subscribe)
            {
                _barriers.Add(nonce);
                Progress();
            }
            else
            {
                _barriers.Remove(nonce);
            }
        }
    }

    private void ReceiveRequests()
    {
        var frames = new List<byte[]>();
        while (_snapshotServer!.TryReceiveMultipartBytes(ref frames))
        {
            if (SnapshotProtocol.TryParseRequest(frames, 1, out string nonce, out var prefixes) && !_pending.ContainsKey(nonce))
            {
                var grant = SnapshotGrant(prefixes, out bool refused);
                _pending[nonce] = new Pending(frames[0], nonce, prefixes, Deadline(SnapshotProtocol.BarrierTimeout)) { Grant = grant, Refused = refused };
            }

            frames.Clear();
        }

        Progress();
    }

    /// <summary>Moves every pending request on: barrier seen, upstream answered, or time out.</summary>
    private void Progress()
    {
        foreach (var pending in _pending.Values.ToList())
        {
            long now = Environment.TickCount64;
            if (!pending.AskedUpstream && _barriers.Contains(pending.Nonce))
            {
                AskUpstream(pending);
            }
            else if (!pending.AskedUpstream && now > pending.Deadline)
            {
                _pending.Remove(pending.Nonce); // the requester's barrier never came: it has gone
            }
            else if (pending.AskedUpstream && (pending.UpstreamRemaining == 0 || now > pending.Deadline))
            {
                if (pending.UpstreamRemaining > 0)
                {
                    Counters.SnapshotsFromCacheOnly++;
                }

                Complete(pending);
            }
        }
    }

    private void AskUpstream(Pending pending)
    {
        pending.AskedUpstream = true;
        pending.UpstreamRemaining = _upstreamSnapshots.Count;
        pending.Deadline = Deadline(UpstreamAnswerTimeout);
        foreach (var dealer in _upstreamSnapshots)
        {
            var request = new NetMQMessage();
            request.Append(SnapshotProtocol.ProtocolId);
            request.Append(pending.Nonce);
            foreach (var prefix in pending.Prefixes)
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

    private void ReceiveUpstreamAnswers(NetMQSocket dealer)
    {
        var frames = new List<byte[]>(3);
        Span<char> topicChars = stackalloc char[InboundValidator.MaxTopicChars];
        while (dealer.TryReceiveMultipartBytes(ref frames, 3))
        {
            if (frames.Count != 3 || !_pending.TryGetValue(Encoding.UTF8.GetString(frames[0]), out var pending))
            {
                continue;
            }

            if (frames[1].Length == 0)
            {
                pending.UpstreamRemaining--;
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
            if (pending.Allows(topic) && pending.Sent.Add(topic))
            {
                _snapshotServer!.SendMoreFrame(pending.Identity).SendMoreFrame(frames[0]).SendMoreFrame(frames[1]).SendFrame(frames[2]);
            }
        }

        Progress();
    }

    private void Complete(Pending pending)
    {
        byte[] nonce = Encoding.UTF8.GetBytes(pending.Nonce);
        foreach (var (topic, batch) in _cache.LastRecords(pending.Prefixes, pending.Sent))
        {
            if (!pending.Allows(topic))
            {
                continue;
            }

            _snapshotServer!.SendMoreFrame(pending.Identity).SendMoreFrame(nonce).SendMoreFrame(topic).SendFrame(batch);
            pending.Sent.Add(topic);
        }

        _snapshotServer!.SendMoreFrame(pending.Identity).SendMoreFrame(nonce).SendMoreFrameEmpty().SendFrame(SnapshotProtocol.EncodeEnd(pending.Sent.Count));
        _pending.Remove(pending.Nonce);
        Counters.SnapshotsServed++;
    }

    private static long Deadline(TimeSpan after) => Environment.TickCount64 + (long)after.TotalMilliseconds;

    private sealed class Pending(byte[] identity, string nonce, List<string> prefixes, long deadline)
    {
        public byte[] Identity { get; } = identity;

        public string Nonce { get; } = nonce;

        public List<string> Prefixes { get; } = prefixes;

        public long Deadline { get; set; } = deadline;

        public bool AskedUpstream { get; set; }

        public int UpstreamRemaining { get; set; }

        public HashSet<string> Sent { get; } = new(StringComparer.Ordinal);

        /// <summary>What the requester's token grants; null when entitlements are off.</summary>
        public Security.EntitlementTokens.Grant? Grant { get; init; }

        /// <summary>Entitlements are on and the request had no valid token: it is answered with nothing.</summary>
        public bool Refused { get; init; }

        public bool Allows(string topic) => !Refused && (Grant is null || Grant.Covers(topic));
    }
}
