using System.Text;

namespace Telemetry.Security;

/// <summary>
/// How entitlement tokens travel. A subscription (0x01/0x00 + body) carries its token after a NUL:
/// <c>prefix \0 token</c>; topics never contain NUL, so the publisher or relay splits it unambiguously
/// and puts only the prefix into its XPUB's subscription trie. A snapshot request carries the token
/// as one extra frame <c>_auth.&lt;token&gt;</c> among its prefixes, which older servers take for a
/// prefix that matches no topic.
/// </summary>
internal static class EntitlementWire
{
    public const string AuthFramePrefix = "_auth.";

    public static byte[] Subscription(bool subscribe, string prefix, string? token)
    {
        int prefixBytes = Encoding.UTF8.GetByteCount(prefix);
        int tokenBytes = token is null ? 0 : Encoding.ASCII.GetByteCount(token) + 1;
        var frame = new byte[1 + prefixBytes + tokenBytes];
        frame[0] = subscribe ? (byte)1 : (byte)0;
        Encoding.UTF8.GetBytes(prefix, frame.AsSpan(1));
        if (token is not null)
        {
            frame[1 + prefixBytes] = 0;
            Encoding.ASCII.GetBytes(token, frame.AsSpan(2 + prefixBytes));
        }

        return frame;
    }

    /// <summary>Splits a subscription body (after the 0x00/0x01 byte) into prefix and token; token is null when none is attached.</summary>
    public static (ReadOnlyMemory<byte> Prefix, string? Token) Split(ReadOnlyMemory<byte> body)
    {
        int nul = body.Span.IndexOf((byte)0);
        return nul < 0
            ? (body, null)
            : (body[..nul], Encoding.ASCII.GetString(body.Span[(nul + 1)..]));
    }

    /// <summary>Takes the <c>_auth.</c> frame out of a snapshot request's prefixes; the token, or null.</summary>
    public static string? TakeToken(List<string> prefixes)
    {
        int index = prefixes.FindIndex(p => p.StartsWith(AuthFramePrefix, StringComparison.Ordinal));
        if (index < 0)
        {
            return null;
        }

        string token = prefixes[index][AuthFramePrefix.Length..];
        prefixes.RemoveAll(p => p.StartsWith(AuthFramePrefix, StringComparison.Ordinal));
        return token;
    }
}
