using System.Text;
using Microsoft.Extensions.Logging;
using Telemetry.Internal;
using NetMQ;
using NetMQ.Sockets;
using Telemetry.Security;
using Telemetry.Wire;

namespace Telemetry.Distribution;

/// <summary>
/// Reads what downstream peers send the XPUB: subscribes and unsubscribes, each either plain or, with
/// entitlements on, decided by the <see cref="EntitlementGate"/> (in manual mode only what it honours
/// enters the XPUB's trie, so an unentitled peer is sent no byte of other topics). Snapshot barriers
/// (<c>_snap.&lt;nonce&gt;</c>) are told apart from interest in data. A conflated subscription
/// (<c>_cfl.&lt;prefix&gt;</c>) is interest in the prefix's data too, served by the node's
/// <see cref="ConflatedFeed"/>: the observer hears of a prefix when its first holder of either kind
/// comes and its last of both goes. Used on the node's thread only.
/// </summary>
internal sealed class SubscriptionIntake
{
    private readonly XPublisherSocket _socket;
    private readonly EntitlementGate? _gate;
    private readonly NodeCounters _counters;
    private readonly ILogger _logger;
    private readonly RepairService _repairs;
    private readonly ConflatedFeed _conflation;

    // Per data prefix: held plainly, held conflated (the XPUB says when each starts and ends).
    private readonly Dictionary<string, (bool Plain, bool Conflated)> _interest = new(StringComparer.Ordinal);
    private Msg _frame;

    public SubscriptionIntake(XPublisherSocket socket, EntitlementGate? gate, NodeCounters counters, ILogger logger, RepairService repairs, ConflatedFeed conflation)
    {
        _repairs = repairs;
        _conflation = conflation;
        _socket = socket;
        _gate = gate;
        _counters = counters;
        _logger = logger;
        _frame.InitEmpty();
    }

    /// <summary>Reads up to <paramref name="budget"/> messages; returns true when the socket had no more.</summary>
    public bool Receive(ISubscriptionObserver observer, Action<bool, string> barrier, int budget)
    {
        int read = 0;
        for (; read < budget && _socket.TryReceive(ref _frame, TimeSpan.Zero); read++)
        {
            var frame = _frame.Slice();
            if (frame.Length > 0 && frame[0] == RepairProtocol.RequestMarker)
            {
                if (_gate is not null)
                {
                    EntitlementGate.Skip(_socket);
                }

                _repairs.Receive(_frame.SliceAsMemory());
                continue;
            }

            // The requester took its answer's route away: it has what it needs, or gave up.
            if (frame.Length > 1 && frame[0] == 0 && EntitlementWire.Split(_frame.SliceAsMemory()[1..]).Prefix is var route && RepairProtocol.IsAnswerTopic(route.Span))
            {
                _repairs.Cancel(Encoding.UTF8.GetString(route.Span[RepairProtocol.AnswerPrefix.Length..]));
            }

            if (_gate is not null)
            {
                Apply(_gate.Handle(_socket, frame), observer, barrier);
                continue;
            }

            // Anything but a subscribe (1) or unsubscribe (0) is a peer's own message: not ours to read.
            if (frame.Length == 0 || frame[0] > 1)
            {
                continue;
            }

            // A repair answer's route (_rep.<nonce>): in the trie for this peer alone, not interest in data.
            if (RepairProtocol.IsAnswerTopic(frame[1..]))
            {
                continue;
            }

            bool subscribe = frame[0] == 1;
            string prefix = Encoding.UTF8.GetString(frame[1..]);
            bool isBarrier = prefix.StartsWith(SnapshotProtocol.BarrierPrefix, StringComparison.Ordinal);
            if (isBarrier)
            {
                observer.OnSubscription(subscribe, prefix, barrier: true);
            }
            else
            {
                Interest(observer, subscribe, prefix);
            }

            if (isBarrier)
            {
                barrier(subscribe, prefix[SnapshotProtocol.BarrierPrefix.Length..]);
            }
            else if (_logger.IsEnabled(LogLevel.Debug))
            {
                Log.SubscriptionChanged(_logger, subscribe ? "added" : "removed", prefix);
            }
        }

        bool drained = read < budget;
        if (_gate is not null)
        {
            // The gate tells lost subscriptions by a gap in a batch read to its end.
            if (drained)
            {
                _gate.EndOfBatch();
            }

            _counters.SubscriptionsRefused = _gate.Refused;
            _counters.SubscriptionsLost = _gate.Lost;
        }

        return drained;
    }

    /// <summary>A plain or conflated subscription of a data prefix changed: tells the feed, and the observer when the prefix's interest as a whole changed.</summary>
    private void Interest(ISubscriptionObserver observer, bool subscribe, string prefix)
    {
        bool conflated = ConflationProtocol.IsConflated(prefix);
        string data = ConflationProtocol.DataPrefix(prefix);
        _interest.TryGetValue(data, out var was);
        var now = conflated ? was with { Conflated = subscribe } : was with { Plain = subscribe };
        if (now.Plain || now.Conflated)
        {
            _interest[data] = now;
        }
        else
        {
            _interest.Remove(data);
        }

        if (conflated && was.Conflated != now.Conflated)
        {
            _conflation.Subscribe(subscribe, data);
        }

        bool held = was.Plain || was.Conflated, holds = now.Plain || now.Conflated;
        if (held != holds)
        {
            observer.OnSubscription(holds, data, barrier: false);
        }
    }

    private void Apply(GateResult result, ISubscriptionObserver observer, Action<bool, string> barrier)
    {
        switch (result.Action)
        {
            case GateAction.Subscribed or GateAction.Departed:
                Interest(observer, result.Action == GateAction.Subscribed, result.Prefix);
                break;
            case GateAction.BarrierOn or GateAction.BarrierOff:
                observer.OnSubscription(result.Action == GateAction.BarrierOn, result.Prefix, barrier: true);
                barrier(result.Action == GateAction.BarrierOn, result.Prefix[SnapshotProtocol.BarrierPrefix.Length..]);
                break;
        }
    }
}
