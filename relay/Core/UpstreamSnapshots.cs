using System.Text;
using NetMQ;
using NetMQ.Sockets;
using Telemetry.Distribution;
using Telemetry.Internal;
using Telemetry.Snapshots;
using Telemetry.Wire;

namespace Telemetry.Relay;

/// <summary>
/// The relay's snapshot source. A request whose barrier has come (the barrier was forwarded up too,
/// after this relay's own upstream subscriptions) is passed on with the same nonce to the upstream
/// snapshot services, their answers go down as they come, and topics only this relay's cache knows
/// are added at the end. If the upstream does not answer in time the cache answers alone.
/// </summary>
internal sealed class UpstreamSnapshots : ISnapshotSource, IDisposable
{
    private static readonly TimeSpan UpstreamAnswerTimeout = TimeSpan.FromSeconds(5);

    private readonly List<DealerSocket> _dealers = [];
    private readonly Dictionary<string, SnapshotAnswer> _asked = new(StringComparer.Ordinal);
    private readonly RelayOptions _options;
    private readonly LinkCounters _counters;
    private readonly List<byte[]> _frames = new(3);

    public UpstreamSnapshots(RelayOptions options, LinkCounters counters)
    {
        _options = options;
        _counters = counters;
        Cache = new LastValueCache(options.MaxCachedTopics);
    }

    public LastValueCache Cache { get; }

    /// <summary>Connects to the upstream snapshot services; their answers are read on <paramref name="poller"/>'s thread.</summary>
    public void Connect(NetMQPoller poller)
    {
        foreach (var endpoint in _options.ResolveUpstreamSnapshot())
        {
            var dealer = new DealerSocket();
            dealer.Options.Linger = TimeSpan.Zero;
            dealer.Options.ReceiveHighWatermark = 1_000_000;
            dealer.Options.MaxMsgSize = _options.MaxMessageBytes;
            Curve.ApplyClient(dealer, _options.CurveServerKey, _options.CurveSecretKey);
            dealer.Connect(endpoint);
            dealer.ReceiveReady += (_, e) => Receive(e.Socket);
            _dealers.Add(dealer);
            poller.Add(dealer);
        }
    }

    public int Answer(SnapshotAnswer answer)
    {
        if (_dealers.Count == 0)
        {
            return Complete(answer);
        }

        answer.Outstanding = _dealers.Count;
        answer.Extend(UpstreamAnswerTimeout);
        _asked[answer.Request.Nonce] = answer;
        foreach (var dealer in _dealers)
        {
            dealer.SendMultipartMessage(SnapshotProtocol.Request(answer.Request.Nonce, answer.Request.Prefixes, _options.EntitlementToken));
        }

        return 0;
    }

    public IEnumerable<(string Topic, byte[] Batch)> LastRecords(string prefix) => Cache.LastRecords(prefix);

    public void TimedOut(SnapshotAnswer answer)
    {
        _counters.SnapshotsFromCacheOnly++;
        Complete(answer);
    }

    public void Dispose()
    {
        foreach (var dealer in _dealers)
        {
            dealer.Dispose();
        }
    }

    private void Receive(NetMQSocket dealer)
    {
        var frames = _frames;
        Span<char> topicChars = stackalloc char[InboundValidator.MaxTopicChars];
        while (dealer.TryReceiveMultipartBytes(ref frames, 3))
        {
            if (frames.Count != 3 || !_asked.TryGetValue(Encoding.UTF8.GetString(frames[0]), out var answer))
            {
                continue;
            }

            if (frames[1].Length == 0)
            {
                if (--answer.Outstanding == 0)
                {
                    Complete(answer);
                }

                continue;
            }

            // The upstream's answer is input like any batch: validated before the relay passes it on.
            var error = InboundValidator.Validate(frames[1], frames[2], topicChars, out int length, out _);
            if (error != DecodeError.None)
            {
                _counters.Rejected.Add(error);
                continue;
            }

            // Several upstreams may know a topic; the first answer wins, the subscriber's sequence
            // tracking would drop an older repeat anyway.
            answer.Send(topicChars[..length].ToString(), frames[1], frames[2]);
        }
    }

    /// <summary>Adds the topics only this relay's cache knows and ends the answer.</summary>
    private int Complete(SnapshotAnswer answer)
    {
        _asked.Remove(answer.Request.Nonce);
        int before = answer.Count;
        foreach (var (topic, batch) in Cache.LastRecords(answer.Request.Prefixes, answer))
        {
            answer.Send(topic, null, batch);
        }

        answer.Complete();
        return answer.Count - before;
    }
}
