using System.Buffers;
using System.Text;
using MessagePack;

namespace Telemetry.Wire;

/// <summary>One receiver's request for records <see cref="First"/>..<see cref="Last"/> of one stream.</summary>
/// <param name="Nonce">Names the answer: it comes on topic <c>_rep.&lt;nonce&gt;</c>.</param>
/// <param name="Publisher">The stream's publisher.</param>
/// <param name="Session">The stream's session.</param>
/// <param name="Topic">The stream's topic.</param>
/// <param name="First">First sequence number wanted.</param>
/// <param name="Last">Last sequence number wanted (inclusive).</param>
/// <param name="Token">The requester's entitlement token, when it has one.</param>
internal sealed record RepairRequest(string Nonce, string Publisher, ulong Session, string Topic, ulong First, ulong Last, string? Token)
{
    /// <summary>The stream the request is for, as a window names it.</summary>
    public string StreamKey => RepairProtocol.StreamKey(Topic, Publisher, Session);
}

/// <summary>How a node ended its answer to a repair request (the end marker's code).</summary>
internal enum RepairOutcome
{
    /// <summary>Every record of the range the window held was sent (a capped range: ask again for the rest).</summary>
    Ok,

    /// <summary>The window holds the stream, but no longer (or never held) part of the range.</summary>
    Evicted,

    /// <summary>The node holds nothing of the stream.</summary>
    Unknown,

    /// <summary>Not answered: malformed, not entitled, or over the node's bounds.</summary>
    Refused,

    /// <summary>The node speaks another version of this protocol.</summary>
    Unsupported,
}

/// <summary>
/// Gap repair (docs/wire-format.md, section 14), shared by every node and the subscriber. A receiver
/// subscribes <c>_rep.&lt;nonce&gt;</c> on its data connection, then sends up the same connection one
/// frame: byte <c>0x02</c> and a MessagePack array
/// <c>[1, nonce, publisher, session, topic, first, last, token|nil]</c>. A node answers on topic
/// <c>_rep.&lt;nonce&gt;</c> with the stream's original batches that overlap the range, each as it was
/// sent, then an end marker <c>[1, "end", code]</c>. Because the request travels the data connection
/// it reaches publishers that bind nothing (they connect to a sink or a collector), and the answer
/// reaches only the peer that subscribed its nonce.
/// </summary>
internal static class RepairProtocol
{
    public const string AnswerPrefix = "_rep.";
    public const byte RequestMarker = 0x02;
    public const int Version = 1;
    public const int MaxNonceLength = 64;

    /// <summary>The most records one request may cover; a receiver asks again for what is still missing.</summary>
    public const ulong MaxRecordsPerRequest = 65_536;

    /// <summary>The largest request frame read (topic 1,024, publisher 256, token ~4 KB, and the rest).</summary>
    public const int MaxRequestBytes = 8192;

    private const string EndMarker = "end";
    private static readonly string[] Codes = ["ok", "evicted", "unknown", "refused", "unsupported"];
    private static readonly UTF8Encoding Strict = new(false, throwOnInvalidBytes: true);
    private static readonly byte[] AnswerPrefixUtf8 = Encoding.UTF8.GetBytes(AnswerPrefix);

    public static string AnswerTopic(string nonce) => AnswerPrefix + nonce;

    /// <summary>True for a topic (or subscription prefix) of a repair answer.</summary>
    public static bool IsAnswerTopic(ReadOnlySpan<byte> topicUtf8) => topicUtf8.StartsWith(AnswerPrefixUtf8);

    /// <summary>The name of a stream in a window and in a relay's table of requests.</summary>
    public static string StreamKey(string topic, string publisher, ulong session) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{topic}\n{publisher}\n{session:x16}");

    /// <summary>Writes the stream key into <paramref name="destination"/>; returns its length.</summary>
    public static int WriteStreamKey(Span<char> destination, ReadOnlySpan<char> topic, ReadOnlySpan<byte> publisherUtf8, ulong session)
    {
        topic.CopyTo(destination);
        int at = topic.Length;
        destination[at++] = '\n';
        at += Encoding.UTF8.GetChars(publisherUtf8, destination[at..]);
        destination[at++] = '\n';
        session.TryFormat(destination[at..], out int written, "x16", System.Globalization.CultureInfo.InvariantCulture);
        return at + written;
    }

    /// <summary>The longest stream key: topic and publisher at their limits, and the session.</summary>
    public const int MaxStreamKeyChars = InboundValidator.MaxTopicChars + WireFormat.MaxPublisherBytes + 2 + 16;

    public static byte[] EncodeRequest(RepairRequest request)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        buffer.GetSpan(1)[0] = RequestMarker;
        buffer.Advance(1);
        var writer = new MessagePackWriter(buffer);
        writer.WriteArrayHeader(8);
        writer.Write(Version);
        writer.Write(request.Nonce);
        writer.Write(request.Publisher);
        writer.Write(request.Session);
        writer.Write(request.Topic);
        writer.Write(request.First);
        writer.Write(request.Last);
        if (request.Token is null)
        {
            writer.WriteNil();
        }
        else
        {
            writer.Write(request.Token);
        }

        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Reads a request frame (marker included); false for anything malformed or out of bounds.</summary>
    /// <param name="frame">The frame as it came.</param>
    /// <param name="request">The request when true.</param>
    /// <param name="unsupported">True when the frame is a request of another version: answer <see cref="RepairOutcome.Unsupported"/> to <paramref name="request"/>'s nonce.</param>
    public static bool TryDecodeRequest(ReadOnlyMemory<byte> frame, out RepairRequest request, out bool unsupported)
    {
        request = null!;
        unsupported = false;
        if (frame.Length < 2 || frame.Length > MaxRequestBytes || frame.Span[0] != RequestMarker)
        {
            return false;
        }

        try
        {
            var reader = new MessagePackReader(frame[1..]);
            int fields = reader.ReadArrayHeader();
            if (fields < 2 || reader.NextMessagePackType != MessagePackType.Integer)
            {
                return false;
            }

            long version = reader.ReadInt64();
            string nonce = ReadString(ref reader, MaxNonceLength);
            if (nonce.Length == 0)
            {
                return false;
            }

            if (version != Version)
            {
                unsupported = true;
                request = new RepairRequest(nonce, string.Empty, 0, string.Empty, 0, 0, null);
                return false;
            }

            if (fields != 8)
            {
                return false;
            }

            string publisher = ReadString(ref reader, WireFormat.MaxPublisherBytes);
            ulong session = reader.ReadUInt64();
            string topic = ReadString(ref reader, WireFormat.MaxTopicBytes);
            ulong first = reader.ReadUInt64();
            ulong last = reader.ReadUInt64();
            string? token = reader.TryReadNil() ? null : ReadString(ref reader, MaxRequestBytes);
            if (publisher.Length == 0 || topic.Length == 0 || first == 0 || last < first || !reader.End)
            {
                return false;
            }

            request = new RepairRequest(nonce, publisher, session, topic, first, last, token);
            return true;
        }
        catch (Exception ex) when (ex is MessagePackSerializationException or EndOfStreamException or OverflowException or DecoderFallbackException or InvalidOperationException)
        {
            return false;
        }
    }

    public static byte[] EncodeEnd(RepairOutcome outcome)
    {
        var buffer = new ArrayBufferWriter<byte>(16);
        var writer = new MessagePackWriter(buffer);
        writer.WriteArrayHeader(3);
        writer.Write(Version);
        writer.Write(EndMarker);
        writer.Write(Codes[(int)outcome]);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>True when an answer's body is an end marker rather than a batch; <paramref name="outcome"/> is its code (unknown codes read as <see cref="RepairOutcome.Unknown"/>).</summary>
    public static bool TryDecodeEnd(ReadOnlySpan<byte> body, out RepairOutcome outcome)
    {
        outcome = RepairOutcome.Unknown;

        // A batch is an array of 7; an end marker one of 3 (fixarray 0x93).
        if (body.Length < 6 || body[0] != 0x93)
        {
            return false;
        }

        try
        {
            var reader = new MessagePackReader(body.ToArray());
            reader.ReadArrayHeader();
            reader.Skip();
            if (reader.NextMessagePackType != MessagePackType.String || reader.ReadString() != EndMarker)
            {
                return false;
            }

            string? code = reader.NextMessagePackType == MessagePackType.String ? reader.ReadString() : null;
            int index = Array.IndexOf(Codes, code);
            outcome = index < 0 ? RepairOutcome.Unknown : (RepairOutcome)index;
            return true;
        }
        catch (Exception ex) when (ex is MessagePackSerializationException or EndOfStreamException)
        {
            return false;
        }
    }

    public static string NewNonce() => Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(12));

    private static string ReadString(ref MessagePackReader reader, int maxBytes)
    {
        if (reader.NextMessagePackType != MessagePackType.String)
        {
            throw new MessagePackSerializationException("not a string");
        }

        var bytes = reader.ReadStringSequence() ?? throw new MessagePackSerializationException("nil");
        if (bytes.Length > maxBytes)
        {
            throw new MessagePackSerializationException("too long");
        }

        return Strict.GetString(bytes.IsSingleSegment ? bytes.FirstSpan : bytes.ToArray());
    }
}
