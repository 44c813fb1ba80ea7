using NetMQ;
using NetMQ.Sockets;
using Telemetry.Internal;
using Telemetry.Wire;

namespace Telemetry;

/// <content>
/// Late join (the ZeroMQ guide's Clone pattern): subscribe first, then ask each snapshot service for
/// the latest record of every topic under the prefixes. Snapshot records go through the same
/// sequence tracking as live ones, so whichever arrives first wins and nothing is delivered twice.
/// </content>
public sealed partial class TelemetrySubscriber
{
    private readonly List<DealerSocket> _snapshotSockets = [];
    private readonly Dictionary<string, PendingSnapshot> _pendingSnapshots = new(StringComparer.Ordinal);
    private NetMQTimer? _snapshotTimer;
    private long _snapshots;
    private long _snapshotTimeouts;

    private void SetUpSnapshots()
    {
        if (!_options.Snapshot)
        {
            return;
        }

        foreach (var endpoint in _options.ResolveSnapshotEndpoints())
        {
            var dealer = new DealerSocket();
            dealer.Options.Linger = TimeSpan.Zero;
            dealer.Options.MaxMsgSize = _options.MaxMessageBytes;
            dealer.Options.ReceiveHighWatermark = 1_000_000;
            Curve.ApplyClient(dealer, _options.CurveServerKey, _options.CurveSecretKey);
            dealer.Connect(endpoint);
            dealer.ReceiveReady += (_, e) => ReceiveSnapshot(e.Socket);
            _snapshotSockets.Add(dealer);
            _poller.Add(dealer);
        }

        _snapshotTimer = new NetMQTimer(TimeSpan.FromSeconds(1));
        _snapshotTimer.Elapsed += (_, _) => ExpireSnapshots();
        _poller.Add(_snapshotTimer);
    }

    /// <summary>Poller thread: barrier subscription after the data prefixes, then one request per service.</summary>
    private void RequestSnapshot(List<string> prefixes)
    {
        if (prefixes.Count == 0 || _snapshotSockets.Count == 0)
        {
            return;
        }

        string nonce = SnapshotProtocol.NewNonce();
        SendSubscription(subscribe: true, SnapshotProtocol.BarrierTopic(nonce));
        foreach (var dealer in _snapshotSockets)
        {
            dealer.SendMultipartMessage(SnapshotProtocol.Request(nonce, prefixes, _options.EntitlementToken));
        }

        long deadline = Environment.TickCount64 + (long)(SnapshotProtocol.BarrierTimeout + TimeSpan.FromSeconds(5)).TotalMilliseconds;
        _pendingSnapshots[nonce] = new PendingSnapshot(_snapshotSockets.Count, deadline);
    }

    private void ReceiveSnapshot(NetMQSocket dealer)
    {
        var frames = new List<byte[]>(3);
        while (dealer.TryReceiveMultipartBytes(ref frames, 3))
        {
            string nonce = frames.Count == 3 ? System.Text.Encoding.UTF8.GetString(frames[0]) : string.Empty;
            if (!_pendingSnapshots.TryGetValue(nonce, out var pending))
            {
                continue; // malformed, or the answer to a request we gave up on
            }

            if (frames[1].Length > 0)
            {
                _messages++;
                ProcessBatch(frames[1], frames[2]);
            }
            else if (--pending.Remaining == 0)
            {
                Finish(nonce);
                _snapshots++;
            }
        }
    }

    private void ExpireSnapshots()
    {
        foreach (var (nonce, pending) in _pendingSnapshots.Where(p => Environment.TickCount64 > p.Value.Deadline).ToList())
        {
            Log.SnapshotTimedOut(_logger, pending.Remaining);
            Finish(nonce);
            _snapshotTimeouts++;
        }
    }

    private void Finish(string nonce)
    {
        _pendingSnapshots.Remove(nonce);
        SendSubscription(subscribe: false, SnapshotProtocol.BarrierTopic(nonce));
    }

    private void DisposeSnapshots()
    {
        foreach (var dealer in _snapshotSockets)
        {
            dealer.Dispose();
        }
    }

    private sealed class PendingSnapshot(int remaining, long deadline)
    {
        public int Remaining { get; set; } = remaining;

        public long Deadline { get; } = deadline;
    }
}
