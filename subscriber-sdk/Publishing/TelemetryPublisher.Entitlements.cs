using NetMQ.Sockets;
using Telemetry.Security;

namespace Telemetry;

/// <content>
/// Entitlements (off unless <see cref="PublisherOptions.EntitlementSecret"/> is set): the XPUB runs in
/// manual mode and the gate decides each subscription; only what it honours enters the XPUB's trie,
/// so an unentitled subscriber is sent no byte of other topics. Snapshot requests are answered with
/// the granted topics only.
/// </content>
public sealed partial class TelemetryPublisher<T>
{
    private EntitlementGate? _gate;
    private byte[]? _entitlementSecret;
    /// <summary>Subscriptions and snapshot requests refused since start.</summary>
    private long RefusedCount => SnapshotStats.RefusedEntitlement + (_gate?.Refused ?? 0);

    private void SetUpEntitlements(XPublisherSocket socket)
    {
        _entitlementSecret = EntitlementSecrets.TryDecode(_options.EntitlementSecret);
        if (_entitlementSecret is null)
        {
            return;
        }

        socket.Options.ManualPublisher = true;
        _gate = new EntitlementGate(_entitlementSecret, _logger, $"publisher {_options.Name}");
    }

    private void ApplyGate(GateResult result)
    {
        switch (result.Action)
        {
            case GateAction.Subscribed:
                _subscriptions.Add(System.Text.Encoding.UTF8.GetBytes(result.Prefix));
                break;
            case GateAction.Departed:
                _subscriptions.Remove(System.Text.Encoding.UTF8.GetBytes(result.Prefix));
                break;
            case GateAction.BarrierOn or GateAction.BarrierOff:
                NoteBarrier(result.Action == GateAction.BarrierOn, System.Text.Encoding.UTF8.GetBytes(result.Prefix[Wire.SnapshotProtocol.BarrierPrefix.Length..]));
                break;
        }
    }
}
