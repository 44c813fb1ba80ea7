using MessagePack;

namespace Telemetry.Wire;

/// <summary>A parsed envelope; the string fields are ranges of the received frame so parsing allocates nothing.</summary>
internal readonly record struct Envelope(
    Range Publisher,
    ulong Session,
    ulong FirstSequence,
    long SentUnixNs,
    Range Kind,
    int Count,
    int RecordsOffset);

/// <summary>Validates and parses the batch envelope without allocating.</summary>
internal static class EnvelopeReader
{
    public static DecodeError TryRead(ReadOnlyMemory<byte> frame, out Envelope envelope)
    {
        envelope = default;
        try
        {
            return Read(frame, out envelope);
        }
        catch (Exception ex) when (ex is MessagePackSerializationException or OverflowException)
        {
            return DecodeError.BadField;
        }
        catch (EndOfStreamException)
        {
            return DecodeError.Truncated;
        }
    }

    private static DecodeError Read(ReadOnlyMemory<byte> frame, out Envelope envelope)
    {
        envelope = default;
        var reader = new MessagePackReader(frame);
        if (frame.IsEmpty || reader.NextMessagePackType != MessagePackType.Array)
        {
            return DecodeError.BadEnvelope;
        }

        if (reader.ReadArrayHeader() != WireFormat.EnvelopeFields)
        {
            return DecodeError.BadEnvelope;
        }

        if (reader.NextMessagePackType != MessagePackType.Integer || reader.ReadInt64() != WireFormat.Version)
        {
            return DecodeError.UnsupportedVersion;
        }

        if (!TryReadString(ref reader, WireFormat.MaxPublisherBytes, out var publisher))
        {
            return DecodeError.BadField;
        }

        ulong session = reader.ReadUInt64();
        ulong firstSequence = reader.ReadUInt64();
        long sentUnixNs = reader.ReadInt64();
        if (firstSequence == 0 || !TryReadString(ref reader, WireFormat.MaxKindBytes, out var kind))
        {
            return DecodeError.BadField;
        }

        if (reader.NextMessagePackType != MessagePackType.Array)
        {
            return DecodeError.BadField;
        }

        int count = reader.ReadArrayHeader();
        int offset = checked((int)reader.Consumed);

        // Every record takes at least one byte: a larger count is a lie that would make a decoder
        // loop or allocate for records that are not there.
        if (count > frame.Length - offset)
        {
            return DecodeError.Truncated;
        }

        if (firstSequence + (ulong)count < firstSequence)
        {
            return DecodeError.BadField;
        }

        envelope = new Envelope(publisher, session, firstSequence, sentUnixNs, kind, count, offset);
        return DecodeError.None;
    }

    private static bool TryReadString(ref MessagePackReader reader, int maxBytes, out Range range)
    {
        range = default;
        if (reader.NextMessagePackType != MessagePackType.String || !reader.TryReadStringSpan(out var span))
        {
            return false;
        }

        int end = checked((int)reader.Consumed);
        range = new Range(end - span.Length, end);
        return span.Length > 0 && span.Length <= maxBytes;
    }
}
