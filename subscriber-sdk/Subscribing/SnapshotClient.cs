using Microsoft.Extensions.Logging;
using NetMQ;
using NetMQ.Sockets;
using Telemetry.Internal;
using Telemetry.Wire;

namespace Telemetry.Subscribing;

/// <summary>
/// Late join (the ZeroMQ guide's Clone pattern): subscribe first, then ask each snapshot service for
/// the latest record of every topic under the prefixes. Snapshot records go through the same
/// <see cref="ReceiveLoop"/> as live ones, so whichever arrives first wins and nothing is delivered
/// twice. Owns the DEALERs and the requests in flight; runs on the receive thread.
/// </summary>
internal sealed class SnapshotClient : IDisposable
{
    private readonly SubscriberOptions _options;
    private readonly PrefixSubscriptions _subscriptions;
    private readonly ReceiveLoop _receive;
    private readonly SubscriberCounters _counters;
    private readonly ILogger _logger;
    private readonly List<DealerSocket> _dealers = [];
    private readonly Dictionary<string, PendingSnapshot> _pending = new(StringComparer.Ordinal);
    private readonly List<byte[]> _frames = new(3);

    public SnapshotClient(SubscriberOptions options, NetMQPoller poller, PrefixSubscriptions subscriptions, ReceiveLoop receive, SubscriberCounters counters, ILogger logger)
    {
        _options = options;
        _subscriptions = subscriptions;
        _receive = receive;
        _counters = counters;
        _logger = logger;
        foreach (var endpoint in options.ResolveSnapshotEndpoints())
        {
            var dealer = new DealerSocket();
            dealer.Options.Linger = TimeSpan.Zero;
            dealer.Options.MaxMsgSize = options.MaxMessageBytes;
            dealer.Options.ReceiveHighWatermark = 1_000_000;
            Curve.ApplyClient(dealer, options.CurveServerKey, options.CurveSecretKey);
            dealer.Connect(endpoint);
            dealer.ReceiveReady += (_, e) => Receive(e.Socket);
            _dealers.Add(dealer);
            poller.Add(dealer);
        }

        var timer = new NetMQTimer(TimeSpan.FromSeconds(1));
        timer.Elapsed += (_, _) => Expire();
        poller.Add(timer);
    }

    /// <summary>Barrier subscription after the data prefixes, then one request per service.</summary>
    public void Request(IReadOnlyCollection<string> prefixes)
    {
        if (prefixes.Count == 0 || _dealers.Count == 0)
        {
            return;
        }

        string nonce = SnapshotProtocol.NewNonce();
        _subscriptions.Send(subscribe: true, SnapshotProtocol.BarrierTopic(nonce));
        foreach (var dealer in _dealers)
        {
            dealer.SendMultipartMessage(SnapshotProtocol.Request(nonce, prefixes, _options.EntitlementToken));
        }

        long deadline = Environment.TickCount64 + (long)(SnapshotProtocol.BarrierTimeout + TimeSpan.FromSeconds(5)).TotalMilliseconds;
        _pending[nonce] = new PendingSnapshot(_dealers.Count, deadline);
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
        while (dealer.TryReceiveMultipartBytes(ref frames, 3))
        {
            string nonce = frames.Count == 3 ? System.Text.Encoding.UTF8.GetString(frames[0]) : string.Empty;
            if (!_pending.TryGetValue(nonce, out var pending))
            {
                continue; // malformed, or the answer to a request we gave up on
            }

            if (frames[1].Length > 0)
            {
                _counters.Messages++;
                _receive.Process(frames[1], frames[2], fromSnapshot: true);
            }
            else if (--pending.Remaining == 0)
            {
                Finish(nonce);
                _counters.Snapshots++;
            }
        }
    }

    private void Expire()
    {
        foreach (var (nonce, pending) in _pending.Where(p => Environment.TickCount64 > p.Value.Deadline).ToList())
        {
            Log.SnapshotTimedOut(_logger, pending.Remaining);
            Finish(nonce);
            _counters.SnapshotTimeouts++;
        }
    }

    private void Finish(string nonce)
    {
        _pending.Remove(nonce);
        _subscriptions.Send(subscribe: false, SnapshotProtocol.BarrierTopic(nonce));
    }

    private sealed class PendingSnapshot(int remaining, long deadline)
    {
        public int Remaining { get; set; } = remaining;

        public long Deadline { get; } = deadline;
    }
}
