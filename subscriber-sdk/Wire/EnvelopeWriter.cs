using MessagePack;

namespace Telemetry.Wire;

/// <summary>Writes the batch envelope that precedes the records array.</summary>
internal static class EnvelopeWriter
{
    public static void WriteHeader(
        ref MessagePackWriter writer,
        ReadOnlySpan<byte> publisherUtf8,
        ulong session,
        ulong firstSequence,
        long sentUnixNs,
        ReadOnlySpan<byte> kindUtf8,
        int recordCount)
    {
        writer.WriteArrayHeader(WireFormat.EnvelopeFields);
        writer.Write(WireFormat.Version);
        writer.WriteString(publisherUtf8);
        writer.Write(session);
        writer.Write(firstSequence);
        writer.Write(sentUnixNs);
        writer.WriteString(kindUtf8);
        writer.WriteArrayHeader(recordCount);
    }
}
