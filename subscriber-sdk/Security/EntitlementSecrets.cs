using System.Security.Cryptography;

namespace Telemetry.Security;

/// <summary>The entitlement secret: random bytes, written and configured as base64.</summary>
internal static class EntitlementSecrets
{
    public static string New() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>The secret's bytes, or null when <paramref name="base64"/> is not base64 of at least 16 bytes.</summary>
    public static byte[]? TryDecode(string? base64)
    {
        if (base64 is null)
        {
            return null;
        }

        var bytes = new byte[base64.Length];
        return Convert.TryFromBase64String(base64.Trim(), bytes, out int written) && written >= EntitlementTokens.MinSecretBytes ? bytes[..written] : null;
    }
}
