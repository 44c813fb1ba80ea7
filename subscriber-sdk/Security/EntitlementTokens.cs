using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Telemetry.Security;

/// <summary>
/// Entitlement tokens: <c>tm1.&lt;payload&gt;.&lt;mac&gt;</c>, both parts base64url, the payload
/// JSON <c>{"sub": subject, "pfx": [granted prefixes], "exp": unix seconds}</c> and the mac
/// HMAC-SHA256 over <c>tm1.&lt;payload&gt;</c> with the operator's secret. A token is a bearer
/// credential: whoever holds it gets its prefixes until it expires (docs/security.md).
/// </summary>
internal static class EntitlementTokens
{
    public const int MaxTokenLength = 4096;
    public const int MaxPrefixes = 256;
    public const int MinSecretBytes = 16;
    private const string Version = "tm1.";

    public static string Issue(ReadOnlySpan<byte> secret, string subject, IReadOnlyList<string> prefixes, DateTimeOffset expires)
    {
        var payload = JsonSerializer.SerializeToUtf8Bytes(new Payload(subject, [.. prefixes], expires.ToUnixTimeSeconds()), PayloadContext.Default.Payload);
        string signed = Version + Base64Url.EncodeToString(payload);
        return signed + "." + Base64Url.EncodeToString(HMACSHA256.HashData(secret, Encoding.ASCII.GetBytes(signed)));
    }

    /// <summary>
    /// Takes the token frame out of a snapshot request's prefixes and checks it. Returns null with no
    /// refusal when entitlements are off (<paramref name="secret"/> null: everything is granted), and
    /// null with the reason in <paramref name="refusal"/> when the token is missing or bad.
    /// </summary>
    public static Grant? ForSnapshot(byte[]? secret, List<string> prefixes, out string? refusal)
    {
        string? token = EntitlementWire.TakeToken(prefixes);
        refusal = null;
        if (secret is null)
        {
            return null;
        }

        refusal = "no token";
        return token is null ? null : Verify(secret, token, DateTimeOffset.UtcNow, out refusal);
    }

    /// <summary>Checks the signature and expiry of <paramref name="token"/>; the grant, or null and why not.</summary>
    public static Grant? Verify(ReadOnlySpan<byte> secret, string token, DateTimeOffset now, out string? refusal)
    {
        refusal = null;
        int dot = token.LastIndexOf('.');
        if (token.Length > MaxTokenLength || !token.StartsWith(Version, StringComparison.Ordinal) || dot <= Version.Length)
        {
            refusal = "malformed token";
            return null;
        }

        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        Span<byte> expected = stackalloc byte[HMACSHA256.HashSizeInBytes];
        if (!Base64Url.TryDecodeFromChars(token.AsSpan(dot + 1), mac, out int macLength) || macLength != mac.Length)
        {
            refusal = "malformed token";
            return null;
        }

        HMACSHA256.HashData(secret, Encoding.ASCII.GetBytes(token[..dot]), expected);
        if (!CryptographicOperations.FixedTimeEquals(mac, expected))
        {
            refusal = "bad signature";
            return null;
        }

        try
        {
            var payload = JsonSerializer.Deserialize(Base64Url.DecodeFromChars(token.AsSpan(Version.Length, dot - Version.Length)), PayloadContext.Default.Payload);
            if (payload?.Pfx is not { Length: <= MaxPrefixes } granted || granted.Any(p => p is null))
            {
                refusal = "malformed token";
                return null;
            }

            if (now.ToUnixTimeSeconds() >= payload.Exp)
            {
                refusal = "expired token";
                return null;
            }

            return new Grant(payload.Sub ?? string.Empty, granted, DateTimeOffset.FromUnixTimeSeconds(payload.Exp));
        }
        catch (Exception ex) when (ex is JsonException or FormatException)
        {
            refusal = "malformed token";
            return null;
        }
    }

    /// <summary>What a valid token grants: every topic under one of <see cref="Prefixes"/>.</summary>
    internal sealed record Grant(string Subject, IReadOnlyList<string> Prefixes, DateTimeOffset Expires)
    {
        /// <summary>True when everything under <paramref name="prefix"/> is granted (so "md." is not covered by a grant of "md.SIM.").</summary>
        public bool Covers(string prefix)
        {
            foreach (var granted in Prefixes)
            {
                if (prefix.StartsWith(granted, StringComparison.Ordinal))
                {
                    return true;
                }
            }

            return false;
        }
    }

    internal sealed record Payload(string? Sub, string[]? Pfx, long Exp);
}

[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase)]
[System.Text.Json.Serialization.JsonSerializable(typeof(EntitlementTokens.Payload))]
internal sealed partial class PayloadContext : System.Text.Json.Serialization.JsonSerializerContext;
