using System.Buffers;
using System.Globalization;
using MessagePack;

namespace Telemetry.Wire;

/// <summary>
/// The late-join snapshot protocol (docs/wire-format.md, section 9), shared by the publisher, the
/// relay and the subscriber. Request (DEALER to ROUTER): <c>["snapshot/1", nonce, prefix...]</c>.
/// Replies: <c>[nonce, topic, batch]</c> with a one-record v1 batch per topic, then
/// <c>[nonce, "", count]</c>. The server answers only once the requester's subscription to
/// <c>_snap.&lt;nonce&gt;</c> has reached its XPUB: the requester sent it after its data prefixes on
/// the same connection, so from then on every newer record reaches the requester live, and the
/// snapshot plus the live stream leave no hole.
/// </summary>
internal static class SnapshotProtocol
{
    public const string ProtocolId = "snapshot/1";
    public const string BarrierPrefix = "_snap.";
    public const int MaxPrefixes = 10_000;
    public const int MaxNonceLength = 64;

    /// <summary>The largest frame of a request a snapshot service reads (a prefix is at most 1,024 bytes, a token frame ~4 KB); ZeroMQ drops a link that sends more.</summary>
    public const long MaxRequestFrameBytes = 8192;

    /// <summary>How long a server waits for a requester's barrier subscription before giving up on the request.</summary>
    public static readonly TimeSpan BarrierTimeout = TimeSpan.FromSeconds(10);

    public static string BarrierTopic(string nonce) => BarrierPrefix + nonce;

    /// <summary>The snapshot endpoint that goes with a data endpoint: the next TCP port, or <c>inproc://name.snapshot</c>.</summary>
    public static string? DeriveEndpoint(string dataEndpoint)
    {
        if (dataEndpoint.StartsWith("inproc://", StringComparison.Ordinal))
        {
            return dataEndpoint + ".snapshot";
        }

        int colon = dataEndpoint.LastIndexOf(':');
        return dataEndpoint.StartsWith("tcp://", StringComparison.Ordinal)
            && colon > "tcp://".Length
            && int.TryParse(dataEndpoint.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int port)
            && port is > 0 and < 65535
            ? string.Concat(dataEndpoint.AsSpan(0, colon + 1), (port + 1).ToString(CultureInfo.InvariantCulture))
            : null;
    }

    /// <summary>Parses a request (after the ROUTER's identity frame); false for anything malformed.</summary>
    public static bool TryParseRequest(IReadOnlyList<byte[]> frames, int start, out string nonce, out List<string> prefixes)
    {
        nonce = string.Empty;
        prefixes = [];
        if (frames.Count - start < 3 || frames.Count - start - 2 > MaxPrefixes
            || !frames[start].AsSpan().SequenceEqual(System.Text.Encoding.ASCII.GetBytes(ProtocolId))
            || frames[start + 1].Length is 0 or > MaxNonceLength)
        {
            return false;
        }

        try
        {
            var strict = new System.Text.UTF8Encoding(false, throwOnInvalidBytes: true);
            nonce = strict.GetString(frames[start + 1]);
            for (int i = start + 2; i < frames.Count; i++)
            {
                if (frames[i].Length > WireFormat.MaxTopicBytes)
                {
                    return false;
                }

                prefixes.Add(strict.GetString(frames[i]));
            }

            return true;
        }
        catch (System.Text.DecoderFallbackException)
        {
            return false;
        }
    }

    public static bool Matches(string topic, List<string> prefixes)
    {
        foreach (var prefix in prefixes)
        {
            if (topic.StartsWith(prefix, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A request for <paramref name="prefixes"/>, with the requester's entitlement token when it has one.</summary>
    public static NetMQ.NetMQMessage Request(string nonce, IEnumerable<string> prefixes, string? token)
    {
        var message = new NetMQ.NetMQMessage();
        message.Append(ProtocolId);
        message.Append(nonce);
        foreach (var prefix in prefixes)
        {
            message.Append(prefix);
        }

        if (token is not null)
        {
            message.Append(Security.EntitlementWire.AuthFramePrefix + token);
        }

        return message;
    }

    public static byte[] EncodeEnd(int count)
    {
        var buffer = new ArrayBufferWriter<byte>(8);
        var writer = new MessagePackWriter(buffer);
        writer.Write(count);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    public static string NewNonce() => Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(12));
}
