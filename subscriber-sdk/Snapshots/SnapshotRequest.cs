using Telemetry.Security;
using Telemetry.Wire;

namespace Telemetry.Snapshots;

/// <summary>A parsed, admitted late-join snapshot request (docs/wire-format.md, section 13).</summary>
/// <param name="Identity">The requester's ROUTER identity: where the answer goes.</param>
/// <param name="Nonce">The requester's nonce, also the name of its barrier subscription.</param>
/// <param name="Prefixes">The prefixes asked for (the token frame taken out).</param>
/// <param name="Grant">What the requester's token grants; null when entitlements are off.</param>
/// <param name="Refused">Entitlements are on and the token was missing or bad: answered with nothing.</param>
internal sealed record SnapshotRequest(byte[] Identity, string Nonce, List<string> Prefixes, EntitlementTokens.Grant? Grant, bool Refused)
{
    /// <summary>True when the answer may carry <paramref name="topic"/>.</summary>
    public bool Allows(string topic) =>
        !Refused && SnapshotProtocol.Matches(topic, Prefixes) && (Grant is null || Grant.Covers(topic));
}
