using System.Buffers;
using MessagePack;
using NetMQ;
using NetMQ.Sockets;
using Telemetry.Tests.Infrastructure;
using Telemetry.Wire;

namespace Telemetry.Tests.Records;

/// <summary>An application's own type, as a .NET team writes it: MessagePack attributes, nothing of ours but the kind.</summary>
[MessagePackObject]
[TelemetryKind("order")]
public sealed class Order
{
    [Key(0)]
    public string Symbol { get; set; } = string.Empty;

    [Key(1)]
    public decimal Price { get; set; }

    [Key(2)]
    public int Quantity { get; set; }

    [Key(3)]
    public IReadOnlyList<string> Tags { get; set; } = [];
}

/// <summary>A struct with no kind attribute: its kind is its full name.</summary>
[MessagePackObject]
public struct Fill
{
    [Key(0)]
    public long OrderId { get; set; }

    [Key(1)]
    public double Quantity { get; set; }
}

/// <summary>A type MessagePack cannot serialize (no attributes, no formatter).</summary>
public sealed class NotARecord
{
    public int Value { get; set; }
}

public class OwnRecordTypeTests
{
    [Fact]
    public async Task A_messagepack_object_publishes_and_reads_back_with_the_same_calls_as_a_tick()
    {
        await using var publisher = new TelemetryPublisher<Order>(new PublisherOptions { Name = "oms", Bind = ["tcp://127.0.0.1:*"] });
        await using var subscriber = new TelemetrySubscriber(new SubscriberOptions { Connect = [publisher.BoundEndpoints[0]], Prefixes = ["orders."] });
        var reader = subscriber.ReadAllAsync<Order>().GetAsyncEnumerator();
        await Eventually.Until(() => publisher.GetStats().Subscriptions == 1);

        for (int i = 1; i <= 100; i++)
        {
            publisher.Publish("orders.EU", new Order { Symbol = $"S{i}", Price = 100.25m + i, Quantity = i, Tags = ["limit", $"t{i}"] });
        }

        for (int i = 1; i <= 100; i++)
        {
            Assert.True(await reader.MoveNextAsync());
            var r = reader.Current;
            Assert.Equal(("orders.EU", "oms", "order", (ulong)i), (r.Topic, r.Publisher, r.Kind, r.Sequence));
            Assert.Equal(($"S{i}", 100.25m + i, i), (r.Record.Symbol, r.Record.Price, r.Record.Quantity));
            Assert.Equal(["limit", $"t{i}"], r.Record.Tags);
        }

        Assert.Equal((0L, 0L, 0L), (subscriber.GetStats().Gaps, subscriber.GetStats().Malformed, subscriber.GetStats().KindMismatch));
    }

    [Fact]
    public async Task A_struct_without_a_kind_travels_under_its_full_name_through_the_zero_copy_callback()
    {
        await using var publisher = new TelemetryPublisher<Fill>(new PublisherOptions { Bind = ["inproc://own-fill"] });
        await using var subscriber = new TelemetrySubscriber(new SubscriberOptions { Connect = ["inproc://own-fill"], Prefixes = ["fills."] });
        var collector = new Collector<Fill>();
        collector.Attach(subscriber);
        await Eventually.Until(() => publisher.GetStats().Subscriptions == 1);

        var topic = publisher.Topic("fills.X");
        Assert.Equal(typeof(Fill).FullName, topic.Kind);
        for (int i = 1; i <= 1000; i++)
        {
            publisher.Publish(topic, new Fill { OrderId = i, Quantity = i / 4.0 });
        }

        await Eventually.Until(() => collector.Records.Count == 1000);
        Assert.Equal(Enumerable.Range(1, 1000).Select(i => (long)i), collector.Records.Select(r => r.Record.OrderId));
        Assert.Equal(Enumerable.Range(1, 1000).Select(i => i / 4.0), collector.Records.Select(r => r.Record.Quantity));
        Assert.All(collector.Records, r => Assert.Equal("Telemetry.Tests.Records.Fill", r.Kind));
    }

    [Fact]
    public async Task The_kind_can_come_from_the_options_and_a_reader_of_another_type_skips_and_counts_it()
    {
        await using var publisher = new TelemetryPublisher<Fill>(new PublisherOptions { Bind = ["inproc://own-kind"], Kind = "fill" });
        await using var subscriber = new TelemetrySubscriber(new SubscriberOptions { Connect = ["inproc://own-kind"], Prefixes = ["fills."] });
        var reader = subscriber.ReadAllAsync<Order>().GetAsyncEnumerator();
        await Eventually.Until(() => publisher.GetStats().Subscriptions == 1);

        Assert.Equal("fill", publisher.Topic("fills.Y").Kind);
        publisher.Publish("fills.Y", new Fill { OrderId = 1 });
        publisher.Publish("fills.Y", new Fill { OrderId = 2 });
        await Eventually.Until(() => subscriber.GetStats().KindMismatch == 2);
        Assert.Equal(0, subscriber.GetStats().Malformed);
    }

    [Fact]
    public void A_type_messagepack_cannot_serialize_is_refused_when_the_publisher_is_made()
    {
        var error = Assert.Throws<NotSupportedException>(() => new TelemetryPublisher<NotARecord>(new PublisherOptions { Bind = ["inproc://own-refused"] }));
        Assert.Contains(typeof(NotARecord).FullName!, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hostile_bytes_of_an_own_kind_are_counted_as_malformed_and_the_stream_goes_on()
    {
        using var raw = new PublisherSocket();
        int port = raw.BindRandomPort("tcp://127.0.0.1");
        await using var subscriber = new TelemetrySubscriber(new SubscriberOptions { Connect = [$"tcp://127.0.0.1:{port}"], Prefixes = ["orders."] });
        var collector = new Collector<Order>();
        collector.Attach(subscriber);
        await Eventually.Until(() =>
        {
            raw.SendMoreFrame("orders.OK").SendFrame(Batch(1, Good(1)));
            return !collector.Records.IsEmpty;
        });

        // A map where the object's array belongs, a nesting far past MessagePack's untrusted-data
        // depth, a string where the quantity goes, a truncated record: each is refused by the
        // formatter, counted, and the next good batch is delivered.
        ulong next = (ulong)collector.Records.Count + 1;
        raw.SendMoreFrame("orders.OK").SendFrame(Batch(next++, Write((ref MessagePackWriter w) => { w.WriteMapHeader(1); w.Write(1); w.Write(2); })));
        raw.SendMoreFrame("orders.OK").SendFrame(Batch(next++, Write((ref MessagePackWriter w) => { for (int i = 0; i < 10_000; i++) { w.WriteArrayHeader(1); } w.Write(0); })));
        raw.SendMoreFrame("orders.OK").SendFrame(Batch(next++, Write((ref MessagePackWriter w) => { w.WriteArrayHeader(4); w.Write("S"); w.Write("1"); w.Write("not a number"); w.WriteArrayHeader(0); })));
        raw.SendMoreFrame("orders.OK").SendFrame(Batch(next++, Good(0)[..^3]));
        raw.SendMoreFrame("orders.OK").SendFrame(Batch(next, Good(42)));
        await Eventually.Until(() => collector.Records.Any(r => r.Record.Quantity == 42), 30_000, "the stream must go on");
        Assert.Equal(4, subscriber.GetStats().Malformed);
    }

    private static byte[] Good(int quantity) =>
        MessagePackSerializer.Serialize(new Order { Symbol = "OK", Price = 1m, Quantity = quantity, Tags = ["a"] });

    private static byte[] Write(WriterAction write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        write(ref writer);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    private static byte[] Batch(ulong sequence, byte[] record)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        EnvelopeWriter.WriteHeader(ref writer, "raw"u8, 7, sequence, 1_700_000_000_000_000_000, "order"u8, 1);
        writer.WriteRaw(record);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    private delegate void WriterAction(ref MessagePackWriter writer);
}
