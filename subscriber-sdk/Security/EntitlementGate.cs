using System.Text;
using Microsoft.Extensions.Logging;
using NetMQ;
using NetMQ.Sockets;
using Telemetry.Internal;

namespace Telemetry.Security;

/// <summary>
/// Decides each subscription a manual-mode XPUB receives (publisher and relay). NetMQ pairs every
/// received subscription with the pipe it came from and requires exactly one Subscribe or
/// Unsubscribe call for it, at once and on the same thread; a second call throws. So every message
/// gets exactly one call: Subscribe(prefix) when its token covers it, otherwise Unsubscribe of a
/// sentinel no pipe ever holds. NetMQ also queues, without a pipe, an unsubscribe for each prefix
/// whose last holder disconnected; it then hands the next message's pipe to that notice, shifting
/// every later pairing by one. The gate detects that (a bare unsubscribe of a held prefix that came
/// with a pipe) and refuses everything until the queue is empty and the pairing is whole again, so
/// a shift can lose subscriptions (counted) but never grant one to the wrong peer.
/// </summary>
internal sealed class EntitlementGate(byte[] secret, ILogger logger, string owner, TimeProvider? time = null)
{
    private static readonly byte[] Sentinel = "\0telemetry.refused"u8.ToArray();
    private static readonly byte[] BarrierUtf8 = Encoding.UTF8.GetBytes(Wire.SnapshotProtocol.BarrierPrefix);

    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly HashSet<string> _held = new(StringComparer.Ordinal);
    private bool _suspect;

    /// <summary>Subscriptions refused: no token, a bad or expired token, or a prefix the token does not cover.</summary>
    public long Refused { get; private set; }

    /// <summary>Subscriptions dropped because NetMQ's pairing of messages and pipes was off (see the summary).</summary>
    public long Lost { get; private set; }

    /// <summary>Handles one message just received from <paramref name="socket"/>; says what changed.</summary>
    public GateResult Handle(XPublisherSocket socket, ReadOnlySpan<byte> frame)
    {
        if (frame.Length == 0 || frame[0] > 1)
        {
            return default;
        }

        bool subscribe = frame[0] == 1;
        var body = frame[1..];
        int nul = body.IndexOf((byte)0);
        var prefixBytes = nul < 0 ? body : body[..nul];
        string prefix = Encoding.UTF8.GetString(prefixBytes);
        byte[] prefixArray = prefixBytes.ToArray();
        bool barrier = prefixBytes.StartsWith(BarrierUtf8);
        if (nul < 0 && !subscribe && !barrier && _held.Contains(prefix))
        {
            return Departed(socket, prefix);
        }

        if (_suspect)
        {
            Release(socket);
            Lost++;
            return default;
        }

        if (Wire.RepairProtocol.IsAnswerTopic(prefixBytes))
        {
            // A repair answer's route carries only answers to its random nonce, each checked against
            // the token of its request: the route itself needs no entitlement.
            if (!TryCall(() =>
            {
                if (subscribe)
                {
                    socket.Subscribe(prefixArray);
                }
                else
                {
                    socket.Unsubscribe(prefixArray);
                }
            }))
            {
                Lost++;
            }

            return default;
        }

        if (barrier)
        {
            // Barriers are never put into the trie: they carry no data and so need no entitlement.
            Release(socket);
            return new GateResult(subscribe ? GateAction.BarrierOn : GateAction.BarrierOff, prefix);
        }

        if (!subscribe)
        {
            // An unsubscribe needs no token: it can only take away from the pipe that sent it.
            if (!TryCall(() => socket.Unsubscribe(prefixArray)))
            {
                Lost++;
            }

            return default;
        }

        string? token = nul < 0 ? null : Encoding.ASCII.GetString(body[(nul + 1)..]);
        string? refusal = "no token";
        var grant = token is null ? null : EntitlementTokens.Verify(secret, token, _time.GetUtcNow(), out refusal);
        // A conflated subscription (_cfl.<prefix>) carries the prefix's data: it needs the prefix's grant.
        string? reason = grant is null ? refusal : grant.Covers(Wire.ConflationProtocol.DataPrefix(prefix)) ? null : "prefix not granted";
        if (reason is not null)
        {
            Release(socket);
            Refused++;
            Log.SubscriptionRefused(logger, owner, prefix, grant?.Subject ?? "?", reason, Refused);
            return default;
        }

        if (!TryCall(() => socket.Subscribe(prefixArray)))
        {
            Lost++;
            Log.SubscriptionLost(logger, owner, prefix, Lost);
            return default;
        }

        _held.Add(prefix);
        return new GateResult(GateAction.Subscribed, prefix);
    }

    /// <summary>A message that is not a subscription was received: clears the socket's pending pipe.</summary>
    public static void Skip(XPublisherSocket socket) => Release(socket);

    /// <summary>Call when the socket has no more messages: from here on messages and pipes pair up again.</summary>
    public void EndOfBatch() => _suspect = false;

    private GateResult Departed(XPublisherSocket socket, string prefix)
    {
        // Normally NetMQ's pipe-less notice that the last holder of the prefix is gone. If a pipe came
        // with it, either the notice took a later message's pipe or a client sent a bare unsubscribe
        // (which must not make the prefix unwanted for everyone): keep the prefix, which at worst
        // wastes work, and trust no pairing until the queue is empty.
        if (Release(socket))
        {
            _suspect = true;
            Log.SubscriptionPairingLost(logger, owner);
            return default;
        }

        _held.Remove(prefix);
        return new GateResult(GateAction.Departed, prefix);
    }

    /// <summary>Clears the socket's pending pipe without subscribing it; false when there was none.</summary>
    private static bool Release(XPublisherSocket socket) => TryCall(() => socket.Unsubscribe(Sentinel));

    private static bool TryCall(Action call)
    {
        try
        {
            call();
            return true;
        }
        catch (NetMQ.InvalidException)
        {
            return false; // NetMQ has no pipe for this message (see the summary)
        }
    }
}

/// <summary>What a subscription message did.</summary>
internal enum GateAction
{
    None,
    Subscribed,
    Departed,
    BarrierOn,
    BarrierOff,
}

/// <summary>The outcome of <see cref="EntitlementGate.Handle"/>.</summary>
internal readonly record struct GateResult(GateAction Action, string Prefix);
