using NetMQ;
using Telemetry.Security;

namespace Telemetry.Relay;

/// <content>
/// Entitlements downstream (off unless <see cref="RelayOptions.EntitlementSecret"/> is set): the XPUB
/// runs in manual mode and the gate decides each subscription, as in the publisher. What it honours
/// is held and forwarded upstream with the relay's own token; a prefix leaves the held set when its
/// last holder disconnects (an explicit unsubscribe only leaves that peer's trie, so the upstream
/// subscription may outlive interest in it: wasted bandwidth, never data to the wrong peer).
/// </content>
internal sealed partial class Forwarder
{
    private EntitlementGate? _gate;
    private byte[]? _entitlementSecret;

    private void SetUpEntitlements()
    {
        _entitlementSecret = EntitlementSecrets.TryDecode(_options.EntitlementSecret);
        if (_entitlementSecret is not null)
        {
            _down.Options.ManualPublisher = true;
            _gate = new EntitlementGate(_entitlementSecret, _logger, $"relay {_options.Name}");
        }
    }

    private void ForwardEntitledSubscriptions(EntitlementGate gate)
    {
        int i = 0;
        for (; i < MaxMessagesPerWake && _down.TryReceive(ref _subscription, TimeSpan.Zero); i++)
        {
            var result = gate.Handle(_down, _subscription.Slice());
            bool subscribe = result.Action is GateAction.Subscribed or GateAction.BarrierOn;
            bool change = result.Action switch
            {
                GateAction.Subscribed or GateAction.BarrierOn or GateAction.Departed or GateAction.BarrierOff => Hold(subscribe, result.Prefix),
                _ => false,
            };
            if (change)
            {
                OnSubscription(subscribe, result.Prefix);
                _up.SendFrame(EntitlementWire.Subscription(subscribe, result.Prefix, _options.EntitlementToken));
                if (subscribe)
                {
                    Counters.SubscriptionsForwarded++;
                }
                else
                {
                    Counters.UnsubscriptionsForwarded++;
                }
            }
        }

        if (i < MaxMessagesPerWake)
        {
            gate.EndOfBatch();
        }

        Counters.HeldSubscriptions = _held.Count;
        Counters.SubscriptionsRefused = gate.Refused;
        Counters.SubscriptionsLost = gate.Lost;
    }
}
