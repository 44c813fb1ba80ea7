using MessagePack;
using NetMQ;
using NetMQ.Sockets;
using Telemetry.Tests.Infrastructure;

namespace Telemetry.Tests.Sdk;

/// <summary>
/// Records nested far deeper than any real record, inside a well-formed envelope, on every path that
/// steps over records without decoding them: the overlap of a batch that repeats records already
/// delivered, a generic (raw) record, and a tick with an extra nested field. Each must be refused
/// or skipped within a bounded depth, never by recursing until the receive thread's stack runs out.
/// </summary>
public class DeepNestingTests
{
    private const int Depth = 200_000;

    [Fact]
    public async Task A_deeply_nested_record_in_an_overlapping_batch_is_refused_and_the_stream_goes_on()
    {
        using var raw = new PublisherSocket();
        int port = raw.BindRandomPort("tcp://127.0.0.1");
        await using var subscriber = new TelemetrySubscriber(new SubscriberOptions { Connect = [$"tcp://127.0.0.1:{port}"], Prefixes = ["md."] });
        var collector = new Collector<Tick>();
        collector.Attach(subscriber);
        await Eventually.Until(() =>
        {
            raw.SendMoreFrame("md.OK").SendFrame(TestBatches.Encode("raw", 1, 1, [TestBatches.Tick(1)]));
            return !collector.Records.IsEmpty;
        });

        // Records 1 (a nesting bomb, already delivered as far as the stream goes) and 2: the overlap
        // rule steps over record 1 before delivering record 2, and refuses the batch instead. The
        // batch had claimed 2 for its stream, so the stream goes on from 3: a peer that can forge a
        // stream's batches can cost that stream records, never the subscriber.
        raw.SendMoreFrame("md.OK").SendFrame(Batch("tick", firstSequence: 1, Nested(Depth), TickBytes(2)));
        raw.SendMoreFrame("md.OK").SendFrame(TestBatches.Encode("raw", 1, 2, [TestBatches.Tick(2), TestBatches.Tick(3)]));
        await Eventually.Until(() => collector.Records.Any(r => r.Sequence == 3), 30_000, "the stream must go on after the bomb");
        Assert.Equal([1UL, 3UL], collector.Records.Select(r => r.Sequence));
        Assert.Equal(1, subscriber.GetStats().Malformed);
    }

    [Fact]
    public async Task A_deeply_nested_raw_record_or_extra_tick_field_is_refused_and_the_stream_goes_on()
    {
        using var raw = new PublisherSocket();
        int port = raw.BindRandomPort("tcp://127.0.0.1");
        await using var rawSubscriber = new TelemetrySubscriber(new SubscriberOptions { Connect = [$"tcp://127.0.0.1:{port}"], Prefixes = ["md."] });
        await using var tickSubscriber = new TelemetrySubscriber(new SubscriberOptions { Connect = [$"tcp://127.0.0.1:{port}"], Prefixes = ["md."] });
        var raws = new System.Collections.Concurrent.ConcurrentQueue<ulong>();
        var ticks = new Collector<Tick>();
        ticks.Attach(tickSubscriber);
        var reading = Task.Run(async () =>
        {
            await foreach (var r in rawSubscriber.ReadAllAsync<RawRecord>())
            {
                raws.Enqueue(r.Sequence);
            }
        });
        await Eventually.Until(() =>
        {
            raw.SendMoreFrame("md.OK").SendFrame(TestBatches.Encode("raw", 1, 1, [TestBatches.Tick(1)]));
            return !raws.IsEmpty && !ticks.Records.IsEmpty;
        });

        // A tick whose thirteenth field (a later revision's, skipped by readers) is a nesting bomb.
        byte[] tick = TickBytes(2);
        Assert.Equal(0x9c, tick[0]); // twelve fields, as the SDK writes them
        byte[] tickWithBomb = [0x9d, .. tick[1..], .. Nested(Depth)];
        raw.SendMoreFrame("md.OK").SendFrame(Batch("tick", firstSequence: 2, tickWithBomb));
        raw.SendMoreFrame("md.OK").SendFrame(TestBatches.Encode("raw", 1, 3, [TestBatches.Tick(3)]));
        await Eventually.Until(() => raws.Contains(3UL) && ticks.Records.Any(r => r.Sequence == 3), 30_000, "both streams must go on after the bomb");
        Assert.Equal([1UL, 3UL], raws.Distinct());
        Assert.Equal([1UL, 3UL], ticks.Records.Select(r => r.Sequence));
        Assert.Equal((1L, 1L), (rawSubscriber.GetStats().Malformed, tickSubscriber.GetStats().Malformed));
        await rawSubscriber.DisposeAsync();
        await reading;
    }

    private static byte[] Batch(string kind, ulong firstSequence, params byte[][] records)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        Telemetry.Wire.EnvelopeWriter.WriteHeader(ref writer, "raw"u8, 1, firstSequence, 1, System.Text.Encoding.UTF8.GetBytes(kind), records.Length);
        foreach (var record in records)
        {
            writer.WriteRaw(record);
        }

        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    private static byte[] TickBytes(long i)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        Tick.Write(ref writer, TestBatches.Tick(i));
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    private static byte[] Nested(int depth)
    {
        var bytes = new byte[depth + 1];
        Array.Fill(bytes, (byte)0x91); // fixarray of one element, nested
        bytes[^1] = 0xc0;
        return bytes;
    }
}
