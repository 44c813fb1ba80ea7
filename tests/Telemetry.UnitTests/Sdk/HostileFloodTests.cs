using System.Buffers;
using MessagePack;
using NetMQ;
using NetMQ.Sockets;
using Telemetry.Tests.Infrastructure;

namespace Telemetry.Tests.Sdk;

[Collection(HeapMeasurement.Name)]
public class HostileFloodTests
{
    [Fact]
    public async Task A_hundred_thousand_hostile_messages_interleaved_with_good_ones_lose_no_good_one_and_leave_memory_bounded()
    {
        using var raw = new PublisherSocket();
        raw.Options.SendHighWatermark = 0; // unbounded on the sending side: the test paces itself
        int port = raw.BindRandomPort("tcp://127.0.0.1");
        await using var subscriber = new TelemetrySubscriber(new SubscriberOptions { Connect = [$"tcp://127.0.0.1:{port}"], Prefixes = [""] });
        var collector = new Collector<Tick>();
        collector.Attach(subscriber);
        await Eventually.Until(() =>
        {
            raw.SendMoreFrame("md.OK").SendFrame(TestBatches.Encode("raw", 1, 1, [TestBatches.Tick(1)]));
            return !collector.Records.IsEmpty;
        });

        GC.Collect();
        long heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        var random = new Random(42);
        var attacks = Attacks(raw, random);
        const int hostile = 100_000;
        ulong seq = 2;
        for (int i = 0; i < hostile; i++)
        {
            attacks[i % attacks.Count]();
            if (i % 10 == 0)
            {
                raw.SendMoreFrame("md.OK").SendFrame(TestBatches.Encode("raw", 1, seq, [TestBatches.Tick((long)seq)]));
                seq++;
            }

            if (i % 2000 == 0)
            {
                // Keep the link under its high-water mark: loss here would be the network's, not the input's.
                await Eventually.Until(() => subscriber.GetStats().Messages >= i + (long)seq - 1 - 5000, 30_000);
            }
        }

        long good = (long)seq - 1;
        await Eventually.Until(() => collector.Records.Count(r => r.Topic == "md.OK") == good, 60_000, "every good batch must arrive");
        await Eventually.Until(() => subscriber.GetStats().Malformed == hostile, 30_000, "every hostile message must be counted");
        var ok = collector.Records.Where(r => r.Topic == "md.OK").Select(r => r.Sequence).ToList();
        Assert.Equal(Enumerable.Range(1, (int)good).Select(i => (ulong)i), ok);
        Assert.Equal(0, subscriber.GetStats().Gaps);

        // Nothing of the hostile input is kept: the heap after a full collection is about where it started
        // (the good records the test itself collected are the only growth: about 10,000 of them).
        long heapAfter = GC.GetTotalMemory(forceFullCollection: true);
        Assert.True(heapAfter - heapBefore < 32L << 20, $"heap grew by {(heapAfter - heapBefore) >> 20} MiB");
    }

    [Fact]
    public async Task An_oversized_message_drops_only_that_link_and_the_subscriber_reconnects_and_keeps_receiving()
    {
        using var raw = new PublisherSocket();
        int port = raw.BindRandomPort("tcp://127.0.0.1");
        await using var subscriber = new TelemetrySubscriber(new SubscriberOptions { Connect = [$"tcp://127.0.0.1:{port}"], Prefixes = [""], MaxMessageBytes = 64 * 1024 });
        var collector = new Collector<Tick>();
        collector.Attach(subscriber);
        ulong seq = 1;
        await Eventually.Until(() =>
        {
            raw.SendMoreFrame("md.OK").SendFrame(TestBatches.Encode("raw", 1, seq, [TestBatches.Tick((long)seq)]));
            return !collector.Records.IsEmpty;
        });

        // A 1 MB topic and a 1 MB batch: ZeroMQ refuses them at the frame header (MaxMsgSize) and drops
        // the connection; the subscriber reconnects on its own.
        raw.SendMoreFrame(new byte[1 << 20]).SendFrame(TestBatches.Encode("raw", 1, 1, [TestBatches.Tick(1)]));
        raw.SendMoreFrame("md.BIG").SendFrame(new byte[1 << 20]);
        long before = collector.Records.Count;
        await Eventually.Until(() =>
        {
            raw.SendMoreFrame("md.AFTER").SendFrame(TestBatches.Encode("raw", 1, 1, [TestBatches.Tick(7)]));
            return collector.Records.Any(r => r.Topic == "md.AFTER");
        }, 30_000, "delivery must resume after the oversized message");
        Assert.DoesNotContain(collector.Records, r => r.Topic == "md.BIG");
    }

    [Fact]
    public async Task A_hundred_thousand_subscriptions_from_one_peer_are_held_and_other_subscribers_keep_receiving()
    {
        await using var publisher = new TelemetryPublisher<Tick>(new PublisherOptions { Bind = ["tcp://127.0.0.1:*"] });
        using var flood = new SubscriberSocket();
        flood.Options.SendHighWatermark = 1_000_000;
        flood.Connect(publisher.BoundEndpoints[0]);
        for (int i = 0; i < 100_000; i++)
        {
            flood.Subscribe($"junk.{i:D6}.");
        }

        await using var honest = new TelemetrySubscriber(new SubscriberOptions { Connect = [publisher.BoundEndpoints[0]], Prefixes = ["md."] });
        var collector = new Collector<Tick>();
        collector.Attach(honest);
        await Eventually.Until(() => publisher.GetStats().Subscriptions == 100_001, 60_000, "all subscriptions should reach the publisher");
        var topic = publisher.Topic("md.GOOD");
        for (int i = 1; i <= 1000; i++)
        {
            publisher.Publish(topic, TestBatches.Tick(i));
        }

        await Eventually.Until(() => collector.Records.Count == 1000, 30_000);
        Assert.Equal(Enumerable.Range(1, 1000).Select(i => (ulong)i), collector.Records.Select(r => r.Sequence));
    }

    private static List<Action> Attacks(PublisherSocket raw, Random random)
    {
        var valid = TestBatches.Encode("raw", 1, 1, [TestBatches.Tick(1), TestBatches.Tick(2)]);
        ulong truncated = 0;
        return
        [
            () => raw.SendFrame("md.ONE-FRAME"),
            () => raw.SendMoreFrame("md.THREE").SendMoreFrame(valid).SendFrame("x"),
            () => raw.SendMoreFrame("md.RANDOM").SendFrame(Bytes(random, 1 + random.Next(300))),
            // A truncated batch carries the next sequence numbers of its stream: a repeat would be
            // dropped as a duplicate before its records are read, which is right but not this attack.
            () => raw.SendMoreFrame("md.TRUNC").SendFrame(Truncate(TestBatches.Encode("raw", 1, truncated++ * 2 + 1, [TestBatches.Tick(1), TestBatches.Tick(2)]), random)),
            () => raw.SendMoreFrame("md.V9").SendFrame([0x97, 9, .. valid[2..]]),
            () => raw.SendMoreFrame("md.NESTED").SendFrame(Nested(100_000)),
            () => raw.SendMoreFrame("md.HUGE-STR").SendFrame([0x97, 1, 0xdb, 0xff, 0xff, 0xff, 0xf0, 0x41]),
            () => raw.SendMoreFrame("md.HUGE-ARRAY").SendFrame(HugeCount()),
            () => raw.SendMoreFrame(new byte[2048]).SendFrame(valid),
        ];
    }

    // Cut inside the records, so the envelope passes and the record decoder must refuse what is left.
    private static byte[] Truncate(byte[] batch, Random random) => batch[..(batch.Length - 1 - random.Next(8))];

    private static byte[] Bytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    private static byte[] Nested(int depth)
    {
        var bytes = new byte[depth + 1];
        Array.Fill(bytes, (byte)0x91);
        bytes[^1] = 0xc0;
        return bytes;
    }

    private static byte[] HugeCount()
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        Telemetry.Wire.EnvelopeWriter.WriteHeader(ref writer, "p"u8, 1, 1, 0, "tick"u8, int.MaxValue);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }
}
