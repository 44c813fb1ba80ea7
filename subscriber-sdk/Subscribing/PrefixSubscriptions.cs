using System.Text;
using NetMQ;
using NetMQ.Sockets;
using Telemetry.Internal;
using Telemetry.Security;
using Telemetry.Wire;

namespace Telemetry.Subscribing;

/// <summary>
/// The prefixes a subscriber holds and how they reach its socket. Without a token the socket is a
/// SUB. With an entitlement token (<see cref="SubscriberOptions.EntitlementToken"/>) subscriptions go
/// out as <c>prefix \0 token</c> (see <see cref="EntitlementWire"/>); a SUB would filter incoming
/// messages against those bytes, which no topic starts with, so the socket is then an XSUB: it sends
/// the subscriptions as written, replays them on reconnect, and leaves filtering to the publisher,
/// which sends each pipe only what it honoured. A prefix taken conflated
/// (<see cref="SubscriberOptions.Conflation"/>) goes out as <c>_cfl.&lt;prefix&gt;</c>; a switch
/// between the two subscribes the new form before it drops the old, so the node's interest in the
/// prefix (and a relay's upstream subscription) never lapses. Used on the receive thread (and the constructor).
/// </summary>
internal sealed class PrefixSubscriptions(NetMQSocket socket, string? token, bool conflated = false)
{
    // Each held prefix, and whether it is taken conflated now.
    private readonly Dictionary<string, bool> _prefixes = new(StringComparer.Ordinal);
    private readonly PrefixSet _matcher = new();

    /// <summary>Every prefix held now.</summary>
    public IReadOnlyCollection<string> All => _prefixes.Keys;

    /// <summary>
    /// An XSUB whenever the subscriber may send up its data connection: repair requests
    /// (<see cref="SubscriberOptions.GapRepair"/>) and tokens need it; a SUB can only subscribe.
    /// </summary>
    public static NetMQSocket CreateSocket(SubscriberOptions options) =>
        options.EntitlementToken is null && options.GapRepair == GapRepair.Off ? new SubscriberSocket() : new XSubscriberSocket();

    /// <summary>Subscribes <paramref name="prefix"/>; false when it was held already.</summary>
    public bool Add(string prefix)
    {
        if (!_prefixes.TryAdd(prefix, conflated))
        {
            return false;
        }

        Send(subscribe: true, Form(prefix, conflated));
        _matcher.Add(Encoding.UTF8.GetBytes(prefix));
        return true;
    }

    /// <summary>Unsubscribes <paramref name="prefix"/>; false when it was not held.</summary>
    public bool Remove(string prefix)
    {
        if (!_prefixes.Remove(prefix, out bool wasConflated))
        {
            return false;
        }

        Send(subscribe: false, Form(prefix, wasConflated));
        _matcher.Remove(Encoding.UTF8.GetBytes(prefix));
        return true;
    }

    /// <summary>Takes <paramref name="prefix"/> conflated or in full from now on; false when it was so already (or is not held).</summary>
    public bool SetConflated(string prefix, bool value)
    {
        if (!_prefixes.TryGetValue(prefix, out bool now) || now == value)
        {
            return false;
        }

        Send(subscribe: true, Form(prefix, value));
        Send(subscribe: false, Form(prefix, now));
        _prefixes[prefix] = value;
        return true;
    }

    /// <summary>The longest held prefix that covers <paramref name="topic"/>; null when none does.</summary>
    public string? Covering(string topic)
    {
        string? best = null;
        foreach (var prefix in _prefixes.Keys)
        {
            if (topic.StartsWith(prefix, StringComparison.Ordinal) && (best is null || prefix.Length > best.Length))
            {
                best = prefix;
            }
        }

        return best;
    }

    /// <summary>True when a held prefix covers <paramref name="topic"/>.</summary>
    public bool Covers(string topic) => _matcher.Matches(Encoding.UTF8.GetBytes(topic));

    /// <summary>Sends a subscription that is not a data prefix (a snapshot barrier): not held, not matched.</summary>
    public void Send(bool subscribe, string prefix)
    {
        if (socket is SubscriberSocket sub)
        {
            if (subscribe)
            {
                sub.Subscribe(prefix);
            }
            else
            {
                sub.Unsubscribe(prefix);
            }

            return;
        }

        socket.SendFrame(EntitlementWire.Subscription(subscribe, prefix, token));
    }

    private static string Form(string prefix, bool conflated) => conflated ? ConflationProtocol.Prefix + prefix : prefix;
}
