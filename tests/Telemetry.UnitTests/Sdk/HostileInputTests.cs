using MessagePack;
using NetMQ;
using NetMQ.Sockets;
using Telemetry.Tests.Infrastructure;

namespace Telemetry.Tests.Sdk;

public class HostileInputTests
{
    [Fact]
    public async Task Garbage_messages_are_counted_and_skipped_while_good_batches_keep_arriving()
    {
        using var raw = new PublisherSocket();
        int port = raw.BindRandomPort("tcp://127.0.0.1");
        await using var subscriber = new TelemetrySubscriber(new SubscriberOptions { Connect = [$"tcp://127.0.0.1:{port}"], Prefixes = [""] });
        var collector = new Collector<Tick>();
        collector.Attach(subscriber);

        // PUB drops everything until the subscription arrives: probe with sequence 1 until it lands.
        ulong seq = 1;
        await Eventually.Until(() =>
        {
            if (collector.Records.IsEmpty)
            {
                raw.SendMoreFrame("md.OK").SendFrame(TestBatches.Encode("raw", 1, 1, [TestBatches.Tick(1)]));
                return false;
            }

            return true;
        });
        seq = 2;
        var random = new Random(1234);
        var valid = TestBatches.Encode("raw", 1, 1, [TestBatches.Tick(1), TestBatches.Tick(2), TestBatches.Tick(3)]);
        var garbage = new List<Action<ulong>>
        {
            _ => raw.SendFrame("md.ONE-FRAME"),
            _ => raw.SendMoreFrame("md.THREE").SendMoreFrame(valid).SendFrame("extra"),
            _ => raw.SendMoreFrame("md.RANDOM").SendFrame(RandomBytes(random, 200)),
            // Batches that pass the envelope check carry fresh sequence numbers: a repeat would be dropped
            // as a duplicate before its records are decoded, which is right but not what this tests.
            n => raw.SendMoreFrame("md.TRUNC").SendFrame(Truncated(TestBatches.Encode("raw", 1, n, [TestBatches.Tick(1), TestBatches.Tick(2)]))),
            _ => raw.SendMoreFrame("md.V2").SendFrame(WithVersion(valid, 2)),
            _ => raw.SendMoreFrame("md.EMPTY").SendFrame([]),
            _ => raw.SendMoreFrame("md.NOT-ARRAY").SendFrame(MessagePackSerializer.Serialize("hello")),
            _ => raw.SendMoreFrame("md.NESTED").SendFrame(DeeplyNested(10_000)),
            _ => raw.SendMoreFrame([0xff, 0xfe, 0x41]).SendFrame(valid),
            n => raw.SendMoreFrame("md.BADRECORD").SendFrame(TestBatches.Encode<RawRecord>("raw", 1, n, [new RawRecord(MessagePackSerializer.Serialize("not a tick"))], kind: "tick")),
        };

        const int rounds = 50;
        for (int round = 0; round < rounds; round++)
        {
            foreach (var send in garbage)
            {
                send((ulong)round + 1);
                raw.SendMoreFrame("md.OK").SendFrame(TestBatches.Encode("raw", 1, seq, [TestBatches.Tick((long)seq)]));
                seq++;
                if (seq % 64 == 0)
                {
                    await Task.Delay(5); // stay under the socket's high-water mark: this test is about input, not loss
                }
            }
        }

        await Eventually.Until(() => collector.Records.Count(r => r.Topic == "md.OK") == (int)seq - 1);
        var ok = collector.Records.Where(r => r.Topic == "md.OK").ToList();
        Assert.Equal(Enumerable.Range(1, (int)seq - 1).Select(i => (ulong)i), ok.Select(r => r.Sequence));
        Assert.All(ok, r => Assert.Equal((long)r.Sequence, r.Record.ExchangeTimeNs));
        await Eventually.Until(() => subscriber.GetStats().Malformed >= rounds * garbage.Count, because: "malformed count");
        Assert.Equal(rounds * garbage.Count, subscriber.GetStats().Malformed);
        Assert.Equal(0, subscriber.GetStats().Gaps);
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        bytes[0] = 0x97; // looks like the envelope's array header, to get past the first check
        return bytes;
    }

    private static byte[] Truncated(byte[] batch) => batch.AsSpan(0, batch.Length - 5).ToArray();

    private static byte[] WithVersion(byte[] batch, byte version)
    {
        var copy = (byte[])batch.Clone();
        copy[1] = version;
        return copy;
    }

    private static byte[] DeeplyNested(int depth)
    {
        var bytes = new byte[depth + 1];
        Array.Fill(bytes, (byte)0x91); // fixarray of one element, nested
        bytes[^1] = 0xc0;
        return bytes;
    }
}
