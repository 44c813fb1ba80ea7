using System.Buffers;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using MessagePack;
using Microsoft.Extensions.Logging;

namespace Telemetry.Tests.Codec;

public class RecordRoundTripTests
{
    private static T RoundTrip<T>(T record) where T : IRecord<T>
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        T.Write(ref writer, record);
        writer.Flush();
        var reader = new MessagePackReader(buffer.WrittenMemory);
        var read = T.Read(ref reader);
        Assert.True(reader.End, "the codec must consume exactly the bytes it wrote");
        return read;
    }

    [Property]
    public void Tick_round_trips_exactly(long ts, long price, long bid, long ask, long size, byte priceScale, byte sizeScale, uint flags, long? bidSize, long? askSize, byte status)
    {
        var tick = new Tick(ts, price, bid, ask, size, (byte)(priceScale % 19), (byte)(sizeScale % 19), (TickFlags)flags, bidSize, askSize, new Venue("XNAS"), (TradingStatus)status);
        Assert.Equal(tick, RoundTrip(tick));
        Assert.Equal(tick with { Venue = default }, RoundTrip(tick with { Venue = default }));
    }

    [Property]
    public void Metric_round_trips(NonNull<string> name, double value, long ts)
    {
        var labels = new Dictionary<string, string> { ["host"] = "h1", ["core"] = "0" };
        var read = RoundTrip(new MetricSample(name.Get, labels, value, ts));
        Assert.Equal(name.Get, read.Name);
        Assert.Equal(value, read.Value);
        Assert.Equal(ts, read.TimestampNs);
        Assert.Equal(labels, read.Labels);
    }

    [Property]
    public void Log_round_trips(NonNull<string> category, NonNull<string> message, string? exception, long ts, byte level)
    {
        var record = new LogRecord(ts, (LogLevel)(level % 6), category.Get, message.Get, exception, new Dictionary<string, string> { ["orderId"] = "42" });
        var read = RoundTrip(record);
        Assert.Equal(record.TimestampNs, read.TimestampNs);
        Assert.Equal(record.Level, read.Level);
        Assert.Equal(record.Category, read.Category);
        Assert.Equal(record.Message, read.Message);
        Assert.Equal(record.Exception, read.Exception);
        Assert.Equal("42", read.Properties!["orderId"]);
    }

    [Fact]
    public void Metric_round_trips_its_type_and_unit_and_an_older_writers_four_field_sample_reads_without_them()
    {
        var sample = new MetricSample("orders.latency_sum", null, 12.5, 7, MetricType.Histogram, "ms");
        Assert.Equal((MetricType.Histogram, "ms"), (RoundTrip(sample).Type, RoundTrip(sample).Unit));

        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        writer.WriteArrayHeader(4);
        writer.Write("cpu_seconds_total");
        writer.WriteNil();
        writer.Write(1.5);
        writer.Write(9L);
        writer.Flush();
        var reader = new MessagePackReader(buffer.WrittenMemory);
        var old = MetricSample.Read(ref reader);
        Assert.True(reader.End);
        Assert.Equal(("cpu_seconds_total", 1.5, MetricType.Unknown, (string?)null), (old.Name, old.Value, old.Type, old.Unit));
    }

    [Fact]
    public void Raw_record_carries_any_messagepack_value_unchanged()
    {
        byte[] value = MessagePackSerializer.Serialize(new Dictionary<string, object> { ["a"] = 1, ["b"] = new[] { "x", "y" } });
        var read = RoundTrip(new RawRecord(value));
        Assert.Equal(value, read.MessagePack.ToArray());
    }

    [Fact]
    public void Tick_with_extra_trailing_fields_is_read_and_the_extras_skipped()
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        writer.WriteArrayHeader(13);
        foreach (long v in new long[] { 1, 2, 3, 4, 5, 2, 0, 1, 70, 80 })
        {
            writer.Write(v);
        }

        writer.Write("XLON");
        writer.Write(2);
        writer.Write("future field");
        writer.Flush();
        var reader = new MessagePackReader(buffer.WrittenMemory);
        Assert.Equal(new Tick(1, 2, 3, 4, 5, 2, 0, TickFlags.Trade, 70, 80, new Venue("XLON"), TradingStatus.Halted), Tick.Read(ref reader));
        Assert.True(reader.End);
    }

    [Fact]
    public void An_older_writers_tick_of_eight_fields_reads_with_sizes_venue_and_status_unknown()
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        writer.WriteArrayHeader(8);
        foreach (long v in new long[] { 1, 2, 3, 4, 5, 2, 0, 1 })
        {
            writer.Write(v);
        }

        writer.Flush();
        var reader = new MessagePackReader(buffer.WrittenMemory);
        var tick = Tick.Read(ref reader);
        Assert.True(reader.End);
        Assert.Equal((null, null, true, TradingStatus.Unknown), (tick.BidSize, tick.AskSize, tick.Venue.IsUnknown, tick.Status));
        Assert.Equal((null, null, string.Empty), (tick.BidSizeValue, tick.AskSizeValue, tick.Venue.ToString()));
    }

    [Theory]
    [InlineData("XNASDAQ01")] // nine bytes
    [InlineData("X NS")]      // a space
    [InlineData("XNÄS")]      // not ASCII
    public void A_tick_whose_venue_the_format_forbids_is_rejected(string venue)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        writer.WriteArrayHeader(12);
        foreach (long v in new long[] { 1, 2, 3, 4, 5, 2, 0, 1, 70, 80 })
        {
            writer.Write(v);
        }

        writer.Write(venue);
        writer.Write(1);
        writer.Flush();
        var error = Assert.Throws<MessagePackSerializationException>(() =>
        {
            var reader = new MessagePackReader(buffer.WrittenMemory);
            Tick.Read(ref reader);
        });
        Assert.Contains("venue", error.Message, StringComparison.Ordinal);
        int offset = 0;
        Assert.False(TickWire.TryRead(buffer.WrittenSpan, ref offset, out _));
    }

    [Fact]
    public void Tick_with_a_scale_beyond_18_is_rejected()
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        Tick.Write(ref writer, new Tick(1, 2, 3, 4, 5, 19, 0, TickFlags.None));
        writer.Flush();
        Assert.Throws<MessagePackSerializationException>(() =>
        {
            var reader = new MessagePackReader(buffer.WrittenMemory);
            Tick.Read(ref reader);
        });
    }

    [Fact]
    public void A_label_map_over_the_limit_is_rejected()
    {
        var labels = Enumerable.Range(0, 2000).ToDictionary(i => $"k{i}", i => "v");
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        MetricSample.Write(ref writer, new MetricSample("m", labels, 1, 1));
        writer.Flush();
        Assert.Throws<MessagePackSerializationException>(() =>
        {
            var reader = new MessagePackReader(buffer.WrittenMemory);
            MetricSample.Read(ref reader);
        });
    }

    [Fact]
    public void A_map_header_claiming_more_entries_than_bytes_is_rejected_before_allocating()
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        writer.WriteArrayHeader(4);
        writer.Write("m");
        writer.WriteMapHeader(1000);
        writer.Flush();
        Assert.Throws<EndOfStreamException>(() =>
        {
            var reader = new MessagePackReader(buffer.WrittenMemory);
            MetricSample.Read(ref reader);
        });
    }

    [Fact]
    public void Log_level_none_is_not_a_record_level()
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        LogRecord.Write(ref writer, new LogRecord(1, LogLevel.None, "c", "m"));
        writer.Flush();
        Assert.Throws<MessagePackSerializationException>(() =>
        {
            var reader = new MessagePackReader(buffer.WrittenMemory);
            LogRecord.Read(ref reader);
        });
    }
}
