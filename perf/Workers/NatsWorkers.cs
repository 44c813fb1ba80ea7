using System.Buffers.Binary;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using NATS.Client.Core;

namespace Telemetry.Perf.Workers;

/// <summary>
/// <c>perf worker nats-pub</c> and <c>nats-sub</c>: the NATS comparison leg, NATS.Net clients
/// through a nats-server the harness starts. One 32-byte message per record (send time at offset 0,
/// sequence at 8), the same payload as the libzmq peer: NATS has no batching of its own to use.
/// </summary>
internal static class NatsWorkers
{
    private const int Payload = 32;
    private const string Subject = "md.PERF.T0000";

    public static async Task<int> PublishAsync(WorkerArgs args)
    {
        args.ApplyClockOffset();
        double rate = args.Double("--rate", 0);
        await using var nats = new NatsConnection(new NatsOpts { Url = args.Required("--url"), Name = "perf-nats-pub" });
        await nats.ConnectAsync();
        StatsLine.Write(new JsonObject { ["role"] = "nats-pub", ["event"] = "ready" });
        using var stop = new CancellationTokenSource();
        var stdin = Task.Run(() =>
        {
            StatsLine.WaitForStdinToClose();
            stop.Cancel();
        });

        // NATS.Net copies the payload into its write buffer inside PublishAsync, so one array is reused.
        var payload = new byte[Payload];
        var pacer = rate > 0 ? new Pacer(rate) : null;
        long sequence = 0;
        while (!stop.IsCancellationRequested)
        {
            int count = pacer?.WaitForDue(1) ?? 64;
            long sentNs = SharedClock.NowNs();
            for (int i = 0; i < count; i++)
            {
                BinaryPrimitives.WriteInt64LittleEndian(payload, sentNs);
                BinaryPrimitives.WriteInt64LittleEndian(payload.AsSpan(8), ++sequence);
                await nats.PublishAsync(Subject, payload);
            }

            pacer?.Sent(count);
        }

        await stdin;
        return 0;
    }

    public static async Task<int> SubscribeAsync(WorkerArgs args)
    {
        args.ApplyClockOffset();
        var measurement = SubReport.CreateMeasurement(args);

        // Wait, not drop, when the client's channel is full: loss then shows up at the server as a
        // slow consumer rather than silently in the client.
        await using var nats = new NatsConnection(new NatsOpts
        {
            Url = args.Required("--url"),
            Name = "perf-nats-sub",
            SubPendingChannelFullMode = BoundedChannelFullMode.Wait,
        });
        await nats.ConnectAsync();
        long missing = 0;
        var reader = Task.Run(async () =>
        {
            long last = 0;
            await foreach (var msg in nats.SubscribeAsync<NatsMemoryOwner<byte>>(Subject))
            {
                using var data = msg.Data;
                var span = data.Span;
                if (span.Length < 16)
                {
                    continue;
                }

                long sequence = BinaryPrimitives.ReadInt64LittleEndian(span[8..]);
                if (last != 0 && sequence > last + 1)
                {
                    Volatile.Write(ref missing, missing + (sequence - last - 1));
                }

                last = sequence;
                measurement.OnMessage(BinaryPrimitives.ReadInt64LittleEndian(span));
            }
        });
        await nats.PingAsync();
        StatsLine.Write(new JsonObject { ["role"] = "nats-sub", ["event"] = "subscribed" });
        int code = SubReport.Run("nats-sub", measurement, () => new SubReport.Counters(measurement.TotalRecords, 0, Volatile.Read(ref missing), 0));
        GC.KeepAlive(reader);
        return code;
    }
}
