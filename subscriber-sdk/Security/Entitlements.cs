using Telemetry.Security;

namespace Telemetry;

/// <summary>
/// Entitlement secrets and tokens (docs/security.md): a publisher or relay given a secret honours a
/// subscription or snapshot request only with an unexpired token, signed with that secret, whose
/// prefixes cover it. For the service that hands tokens out, as <c>telemetry token</c> does.
/// </summary>
public static class Entitlements
{
    /// <summary>A new random secret (base64 of 32 bytes), for <see cref="PublisherOptions.EntitlementSecret"/>.</summary>
    public static string NewSecret() => EntitlementSecrets.New();

    /// <summary>Issues a token for <paramref name="subject"/> granting <paramref name="prefixes"/> until <paramref name="expires"/>.</summary>
    /// <param name="secret">The secret (base64, at least 16 bytes) the publishers and relays were given.</param>
    /// <param name="subject">Who the token is for, as logged with refusals.</param>
    /// <param name="prefixes">The topic prefixes it grants; <c>""</c> grants every topic.</param>
    /// <param name="expires">When it stops being honoured.</param>
    /// <exception cref="ArgumentException">The secret is not base64 of at least 16 bytes.</exception>
    public static string IssueToken(string secret, string subject, IReadOnlyList<string> prefixes, DateTimeOffset expires)
    {
        ArgumentNullException.ThrowIfNull(prefixes);
        var key = EntitlementSecrets.TryDecode(secret)
            ?? throw new ArgumentException($"An entitlement secret is base64 of at least {EntitlementTokens.MinSecretBytes} bytes.", nameof(secret));
        return EntitlementTokens.Issue(key, subject, prefixes, expires);
    }
}
