using System.Buffers;
using MessagePack;
using Telemetry.Wire;

namespace Telemetry.Tests.Infrastructure;

/// <summary>Builds batch frames byte for byte with the SDK's own encoder, for tests that play a raw peer.</summary>
internal static class TestBatches
{
    public static byte[] Encode<T>(string publisher, ulong session, ulong firstSequence, IReadOnlyList<T> records, string? kind = null)
        where T : IRecord<T>
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        EnvelopeWriter.WriteHeader(ref writer, System.Text.Encoding.UTF8.GetBytes(publisher), session, firstSequence, 1_700_000_000_000_000_000, System.Text.Encoding.UTF8.GetBytes(kind ?? T.Kind), records.Count);
        foreach (var record in records)
        {
            T.Write(ref writer, record);
        }

        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    public static Tick Tick(long i) => new(i, 10_000 + i, 9_999 + i, 10_001 + i, 100, 2, 0, TickFlags.Trade);
}
