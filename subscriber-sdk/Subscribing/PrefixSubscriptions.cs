using System.Text;
using NetMQ;
using NetMQ.Sockets;
using Telemetry.Internal;
using Telemetry.Security;

namespace Telemetry.Subscribing;

/// <summary>
/// The prefixes a subscriber holds and how they reach its socket. Without a token the socket is a
/// SUB. With an entitlement token (<see cref="SubscriberOptions.EntitlementToken"/>) subscriptions go
/// out as <c>prefix \0 token</c> (see <see cref="EntitlementWire"/>); a SUB would filter incoming
/// messages against those bytes, which no topic starts with, so the socket is then an XSUB: it sends
/// the subscriptions as written, replays them on reconnect, and leaves filtering to the publisher,
/// which sends each pipe only what it honoured. Used on the receive thread (and the constructor).
/// A conflated subscriber (<see cref="SubscriberOptions.ConflatedFeed"/>) subscribes each prefix as
/// <c>_cfl.&lt;prefix&gt;</c>, while holding and matching the data prefix.
/// </summary>
internal sealed class PrefixSubscriptions(NetMQSocket socket, string? token, bool conflated = false)
{
    private readonly HashSet<string> _prefixes = new(StringComparer.Ordinal);
    private readonly PrefixSet _matcher = new();

    /// <summary>Every prefix held now.</summary>
    public IReadOnlyCollection<string> All => _prefixes;

    /// <summary>
    /// An XSUB whenever the subscriber may send up its data connection: repair requests
    /// (<see cref="SubscriberOptions.GapRepair"/>) and tokens need it; a SUB can only subscribe.
    /// </summary>
    public static NetMQSocket CreateSocket(SubscriberOptions options) =>
        options.EntitlementToken is null && options.GapRepair == GapRepair.Off ? new SubscriberSocket() : new XSubscriberSocket();

    /// <summary>Subscribes <paramref name="prefix"/>; false when it was held already.</summary>
    public bool Add(string prefix)
    {
        if (!_prefixes.Add(prefix))
        {
            return false;
        }

        Send(subscribe: true, conflated ? Wire.ConflationProtocol.Prefix + prefix : prefix);
        _matcher.Add(Encoding.UTF8.GetBytes(prefix));
        return true;
    }

    /// <summary>Unsubscribes <paramref name="prefix"/>; false when it was not held.</summary>
    public bool Remove(string prefix)
    {
        if (!_prefixes.Remove(prefix))
        {
            return false;
        }

        Send(subscribe: false, conflated ? Wire.ConflationProtocol.Prefix + prefix : prefix);
        _matcher.Remove(Encoding.UTF8.GetBytes(prefix));
        return true;
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
}
