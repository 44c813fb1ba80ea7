using Telemetry.Security;

namespace Telemetry.Tests.Security;

/// <summary>Secrets and tokens for the entitlement tests.</summary>
internal static class Tokens
{
    public static string NewSecret() => EntitlementSecrets.New();

    public static string Issue(string secret, string subject, params string[] prefixes) =>
        EntitlementTokens.Issue(EntitlementSecrets.TryDecode(secret)!, subject, prefixes, DateTimeOffset.UtcNow.AddHours(1));

    public static string Expired(string secret, params string[] prefixes) =>
        EntitlementTokens.Issue(EntitlementSecrets.TryDecode(secret)!, "expired", prefixes, DateTimeOffset.UtcNow.AddMinutes(-1));
}
