using NetMQ;
using NetMQ.Sockets;
using Telemetry.Security;

namespace Telemetry;

/// <content>
/// Subscriptions with an entitlement token (<see cref="SubscriberOptions.EntitlementToken"/>). They
/// go out as <c>prefix \0 token</c> (see <see cref="EntitlementWire"/>). A SUB socket would filter
/// incoming messages against those bytes, which no topic starts with, so with a token the socket is
/// an XSUB: it sends the subscriptions as written, replays them on reconnect, and leaves filtering to
/// the publisher, which sends each pipe only what it honoured.
/// </content>
public sealed partial class TelemetrySubscriber
{
    private static NetMQSocket CreateSocket(SubscriberOptions options) =>
        options.EntitlementToken is null ? new SubscriberSocket() : new XSubscriberSocket();

    private void SendSubscription(bool subscribe, string prefix)
    {
        if (_socket is SubscriberSocket sub)
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

        _socket.SendFrame(EntitlementWire.Subscription(subscribe, prefix, _options.EntitlementToken));
    }
}
