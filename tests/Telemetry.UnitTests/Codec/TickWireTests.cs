using System.Buffers;
using FsCheck.Xunit;
using MessagePack;

namespace Telemetry.Tests.Codec;

public class TickWireTests
{
    [Property(MaxTest = 500)]
    public void The_fast_encoder_writes_exactly_what_MessagePackWriter_writes(long ts, long price, long bid, long ask, long size, byte priceScale, byte sizeScale, uint flags, long? bidSize, long? askSize, byte venue, byte status)
    {
        string[] venues = ["", "X", "XNAS", "ABCDEFGH"];
        string code = venues[venue % venues.Length];
        var tick = new Tick(
            ts, price, bid, ask, size, (byte)(priceScale % 19), (byte)(sizeScale % 19), (TickFlags)flags,
            bidSize, askSize, code.Length == 0 ? default : new Venue(code), (TradingStatus)status);
        var reference = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(reference);
        writer.WriteArrayHeader(12);
        writer.Write(tick.ExchangeTimeNs);
        writer.Write(tick.Price);
        writer.Write(tick.Bid);
        writer.Write(tick.Ask);
        writer.Write(tick.Size);
        writer.Write(tick.PriceScale);
        writer.Write(tick.SizeScale);
        writer.Write((uint)tick.Flags);
        WriteOptional(ref writer, tick.BidSize);
        WriteOptional(ref writer, tick.AskSize);
        writer.Write(code);
        writer.Write((byte)tick.Status);
        writer.Flush();

        var fast = new byte[TickWire.MaxSize];
        int length = TickWire.Write(fast, tick);
        Assert.Equal(reference.WrittenSpan.ToArray(), fast[..length]);

        int offset = 0;
        Assert.True(TickWire.TryRead(fast.AsSpan(0, length), ref offset, out var read));
        Assert.Equal((tick, length), (read, offset));
    }

    [Fact]
    public void The_fast_reader_accepts_wide_integer_encodings_other_producers_use()
    {
        // Every field as a full int64 (0xd3), as some encoders write them.
        var bytes = new List<byte> { 0x98 };
        foreach (long v in new long[] { 1_700_000_000_000_000_000, 10125, -5, 10126, 100, 2, 0, 1 })
        {
            bytes.Add(0xd3);
            bytes.AddRange(BitConverter.GetBytes(v).Reverse());
        }

        int offset = 0;
        Assert.True(TickWire.TryRead(bytes.ToArray(), ref offset, out var tick));
        Assert.Equal(new Tick(1_700_000_000_000_000_000, 10125, -5, 10126, 100, 2, 0, TickFlags.Trade), tick);
        Assert.Equal(bytes.Count, offset);
    }

    [Fact]
    public void The_fast_reader_takes_an_older_writers_eight_field_tick_with_the_later_fields_unknown()
    {
        byte[] bytes = [0x98, 1, 2, 3, 4, 5, 2, 0, 1];
        int offset = 0;
        Assert.True(TickWire.TryRead(bytes, ref offset, out var tick));
        Assert.Equal(new Tick(1, 2, 3, 4, 5, 2, 0, TickFlags.Trade, null, null, default, TradingStatus.Unknown), tick);
        Assert.Equal(bytes.Length, offset);
    }

    [Theory]
    [InlineData(new byte[] { 0x97, 1, 2, 3, 4, 5, 2, 0 })]              // seven fields
    [InlineData(new byte[] { 0x9c, 1, 2, 3, 4, 5, 2, 0, 1, 7, 8, 0xa9, 65, 65, 65, 65, 65, 65, 65, 65, 65, 1 })] // venue of nine bytes
    [InlineData(new byte[] { 0x9c, 1, 2, 3, 4, 5, 2, 0, 1, 7, 8, 0xd9, 4, 88, 78, 65, 83, 1 })] // venue as str8: the reader's form
    [InlineData(new byte[] { 0x9c, 1, 2, 3, 4, 5, 2, 0, 1, 7, 8, 0xa0, 0xcd, 1, 0 })] // status above 255
    [InlineData(new byte[] { 0x9c, 1, 2, 3, 4, 5, 2, 0, 1, 7, 8, 0xa0 })] // truncated before status
    [InlineData(new byte[] { 0x98, 1, 2, 3, 4, 5, 19, 0, 0 })]          // scale above 18
    [InlineData(new byte[] { 0x98, 1, 2, 3, 4, 5, 2, 0, 0xa1, 0x41 })]  // flags as a string
    [InlineData(new byte[] { 0x98, 1, 2, 3, 4, 5, 2, 0xcd })]           // truncated
    public void Anything_unexpected_is_left_to_the_full_reader(byte[] bytes)
    {
        int offset = 0;
        Assert.False(TickWire.TryRead(bytes, ref offset, out _));
        Assert.Equal(0, offset);
    }

    private static void WriteOptional(ref MessagePackWriter writer, long? value)
    {
        if (value is { } v)
        {
            writer.Write(v);
        }
        else
        {
            writer.WriteNil();
        }
    }
}
