using System.Buffers.Binary;
using System.Text.Json.Nodes;
using NetMQ;
using NetMQ.Sockets;

namespace Telemetry.Perf.Workers;

/// <summary>
/// <c>perf worker netmq-pub</c> and <c>netmq-sub</c>: raw NetMQ, a PUB to a SUB, one 32-byte record
/// per message (send time at offset 0, sequence at 8, as the libzmq and NATS peers send): the floor
/// that NetMQ itself sets under Telemetry's latency, with no batching, window or tracking on top.
/// </summary>
internal static class NetMqWorkers
{
    private const int Payload = 32;
    private const string Topic = "md.PERF.T0000";

    public static int Publish(WorkerArgs args)
    {
        args.ApplyClockOffset();
        double rate = args.Double("--rate", 10_000);
        using var socket = new PublisherSocket();
        socket.Options.SendHighWatermark = 1000;
        socket.Options.Linger = TimeSpan.Zero;
        socket.Bind(args.Required("--bind"));
        StatsLine.Write(new JsonObject { ["role"] = "netmq-pub", ["event"] = "ready" });
        using var stop = new CancellationTokenSource();
        var stdin = new Thread(() =>
        {
            StatsLine.WaitForStdinToClose();
            stop.Cancel();
        }) { IsBackground = true };
        stdin.Start();

        var topic = System.Text.Encoding.UTF8.GetBytes(Topic);
        var payload = new byte[Payload];
        var pacer = new Pacer(rate);
        long sequence = 0;
        while (!stop.IsCancellationRequested)
        {
            int count = pacer.WaitForDue(1);
            for (int i = 0; i < count; i++)
            {
                BinaryPrimitives.WriteInt64LittleEndian(payload, SharedClock.NowNs());
                BinaryPrimitives.WriteInt64LittleEndian(payload.AsSpan(8), ++sequence);
                socket.SendMoreFrame(topic).SendFrame(payload);
            }

            pacer.Sent(count);
        }

        return 0;
    }

    public static int Subscribe(WorkerArgs args)
    {
        args.ApplyClockOffset();
        var measurement = SubReport.CreateMeasurement(args);
        long records = 0, gaps = 0, missing = 0, malformed = 0, expected = 0;
        using var socket = new SubscriberSocket();
        socket.Options.ReceiveHighWatermark = 10_000;
        socket.Options.Linger = TimeSpan.Zero;
        socket.Connect(args.Required("--connect"));
        socket.Subscribe("md.");
        var receiver = new Thread(() =>
        {
            var msg = default(Msg);
            msg.InitEmpty();
            while (true)
            {
                socket.Receive(ref msg); // the topic
                if (!msg.HasMore)
                {
                    Interlocked.Increment(ref malformed);
                    continue;
                }

                socket.Receive(ref msg);
                if (msg.Size < 16)
                {
                    Interlocked.Increment(ref malformed);
                    continue;
                }

                var body = msg.Slice();
                long sentNs = BinaryPrimitives.ReadInt64LittleEndian(body);
                long sequence = BinaryPrimitives.ReadInt64LittleEndian(body[8..]);
                if (expected != 0 && sequence > expected)
                {
                    Interlocked.Increment(ref gaps);
                    Interlocked.Add(ref missing, sequence - expected);
                }

                expected = sequence + 1;
                Interlocked.Increment(ref records);
                measurement.OnMessage(sentNs);
            }
        }) { IsBackground = true, Name = "netmq-sub" };
        receiver.Start();
        return SubReport.Run("netmq-sub", measurement, () => new SubReport.Counters(Interlocked.Read(ref records), Interlocked.Read(ref gaps), Interlocked.Read(ref missing), Interlocked.Read(ref malformed)));
    }
}
