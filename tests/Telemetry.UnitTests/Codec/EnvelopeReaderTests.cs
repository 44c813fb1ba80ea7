using System.Buffers;
using MessagePack;
using Telemetry.Tests.Infrastructure;
using Telemetry.Wire;

namespace Telemetry.Tests.Codec;

public class EnvelopeReaderTests
{
    private static readonly byte[] Valid = TestBatches.Encode("pub", 7, 100, [TestBatches.Tick(1), TestBatches.Tick(2)]);

    [Fact]
    public void A_valid_batch_parses_into_its_fields()
    {
        Assert.Equal(DecodeError.None, EnvelopeReader.TryRead(Valid, out var envelope));
        Assert.Equal("pub", System.Text.Encoding.UTF8.GetString(Valid.AsSpan()[envelope.Publisher]));
        Assert.Equal("tick", System.Text.Encoding.UTF8.GetString(Valid.AsSpan()[envelope.Kind]));
        Assert.Equal(7UL, envelope.Session);
        Assert.Equal(100UL, envelope.FirstSequence);
        Assert.Equal(2, envelope.Count);
        var reader = new MessagePackReader(Valid.AsMemory(envelope.RecordsOffset));
        Assert.Equal(TestBatches.Tick(1), Tick.Read(ref reader));
    }

    [Fact]
    public void Every_truncation_of_a_valid_batch_is_rejected_or_leaves_records_to_fail_decoding()
    {
        for (int length = 0; length < Valid.Length; length++)
        {
            var error = EnvelopeReader.TryRead(Valid.AsMemory(0, length), out var envelope);
            if (error == DecodeError.None)
            {
                // The envelope was whole; the cut falls inside the records, which the decoder must refuse.
                Assert.Throws<EndOfStreamException>(() =>
                {
                    var reader = new MessagePackReader(Valid.AsMemory(envelope.RecordsOffset, length - envelope.RecordsOffset));
                    for (int i = 0; i < envelope.Count; i++)
                    {
                        Tick.Read(ref reader);
                    }
                });
            }
        }
    }

    [Theory]
    [InlineData(2, nameof(DecodeError.UnsupportedVersion))]
    [InlineData(0, nameof(DecodeError.UnsupportedVersion))]
    public void Other_versions_are_refused(int version, string reason) // by name: DecodeError is internal
    {
        var expected = Enum.Parse<DecodeError>(reason);
        var frame = (byte[])Valid.Clone();
        frame[1] = (byte)version; // fixarray(7), then the version as a positive fixint
        Assert.Equal(expected, EnvelopeReader.TryRead(frame, out _));
    }

    [Fact]
    public void First_sequence_zero_is_refused()
    {
        Assert.Equal(DecodeError.BadField, EnvelopeReader.TryRead(TestBatches.Encode("p", 1, 0, [TestBatches.Tick(1)]), out _));
    }

    [Fact]
    public void A_record_count_larger_than_the_frame_is_refused()
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        EnvelopeWriter.WriteHeader(ref writer, "p"u8, 1, 1, 0, "tick"u8, 1_000_000);
        writer.Flush();
        Assert.Equal(DecodeError.Truncated, EnvelopeReader.TryRead(buffer.WrittenMemory, out _));
    }

    [Fact]
    public void Non_array_and_wrong_arity_envelopes_are_refused()
    {
        Assert.Equal(DecodeError.BadEnvelope, EnvelopeReader.TryRead(MessagePackSerializer.Serialize("hello"), out _));
        Assert.Equal(DecodeError.BadEnvelope, EnvelopeReader.TryRead(MessagePackSerializer.Serialize(new object[] { 1, "p" }), out _));
        Assert.Equal(DecodeError.BadEnvelope, EnvelopeReader.TryRead(Array.Empty<byte>(), out _));
    }

    [FsCheck.Xunit.Property]
    public void Random_bytes_never_throw(byte[] bytes)
    {
        var error = EnvelopeReader.TryRead(bytes ?? [], out _);
        Assert.True(Enum.IsDefined(error));
    }
}
