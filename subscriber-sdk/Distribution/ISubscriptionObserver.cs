namespace Telemetry.Distribution;

/// <summary>
/// Told of every change in what the node's downstream wants, once the entitlement gate (if on) has
/// honoured it: a publisher updates its prefix set, a relay its held set and its upstream.
/// </summary>
internal interface ISubscriptionObserver
{
    /// <param name="subscribe">True for a subscribe, false for an unsubscribe or a departed holder.</param>
    /// <param name="prefix">The topic prefix (for a barrier, the whole <c>_snap.&lt;nonce&gt;</c>).</param>
    /// <param name="barrier">A snapshot requester's barrier, not interest in data.</param>
    void OnSubscription(bool subscribe, string prefix, bool barrier);
}
