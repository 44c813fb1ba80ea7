using System.Buffers.Binary;
using System.Diagnostics;
using Telemetry.Transport.Pgm;

namespace Telemetry.Perf;

/// <summary>
/// Raw epgm transport throughput, one process per end (run each inside its own network namespace,
/// see perf/pgm/run.sh): messages of two frames (a topic and a body whose first 8 bytes number it),
/// packed and sent as fast as the configured rate allows; the receiver counts messages and missing
/// numbers. pgm_libzmq.py is the same pair over libzmq.
/// </summary>
internal static class PgmThroughput
{
    public static int Send(string endpoint, int messages, int size, int rateKbps, int recoveryMs)
    {
        var options = PgmOptions.Default with { RateKbps = rateKbps, RecoveryInterval = TimeSpan.FromMilliseconds(recoveryMs) };
        using var sender = new PgmSender(PgmEndpoint.Parse(endpoint), options, TimeSpan.FromSeconds(5));
        var writer = new ApduWriter(sender.MaxTsdu, tsdu => sender.Send(tsdu.Span));
        var topic = "md.SIM.AAPL"u8.ToArray();
        var body = new byte[Math.Max(size, 8)];
        Thread.Sleep(500);
        var clock = Stopwatch.StartNew();
        for (long i = 0; i < messages; i++)
        {
            BinaryPrimitives.WriteInt64BigEndian(body, i);
            writer.WriteMessage(topic, body, default);

            // Flush every 64 messages, as a publisher round would: packing, not per-message packets.
            if ((i & 63) == 63)
            {
                writer.Flush();
            }
        }

        writer.Flush();
        double seconds = clock.Elapsed.TotalSeconds;
        var stats = sender.GetStats();
        Console.WriteLine($"{{\"event\":\"sent\",\"messages\":{messages},\"seconds\":{seconds:F3},\"msgs_per_s\":{messages / seconds:F0},\"mbit_per_s\":{stats.DataBytes * 8 / seconds / 1e6:F1},\"packets\":{stats.DataPackets},\"repairs\":{stats.RepairPackets}}}");
        return 0;
    }

    public static int Receive(string endpoint, int messages, int timeoutSeconds, int rateKbps, int recoveryMs)
    {
        var options = PgmOptions.Default with { RateKbps = rateKbps, RecoveryInterval = TimeSpan.FromMilliseconds(recoveryMs) };
        long received = 0;
        long highest = -1;
        long firstTicks = 0;
        long lastTicks = 0;
        using var done = new ManualResetEventSlim();
        using var receiver = new PgmReceiver(PgmEndpoint.Parse(endpoint), options, 1 << 20, (_, data, frames) =>
        {
            long n = BinaryPrimitives.ReadInt64BigEndian(data[frames[1]]);
            lastTicks = Stopwatch.GetTimestamp();
            firstTicks = firstTicks == 0 ? lastTicks : firstTicks;
            highest = Math.Max(highest, n);
            if (++received >= messages || n == messages - 1)
            {
                done.Set();
            }
        });
        Console.WriteLine("{\"event\":\"ready\"}");
        done.Wait(TimeSpan.FromSeconds(timeoutSeconds));
        Thread.Sleep(200);
        double seconds = (lastTicks - firstTicks) / (double)Stopwatch.Frequency;
        var stats = receiver.GetStats();
        Console.WriteLine($"{{\"event\":\"received\",\"messages\":{received},\"highest\":{highest},\"seconds\":{seconds:F3},\"msgs_per_s\":{(seconds > 0 ? received / seconds : 0):F0},\"repaired\":{stats.Repaired},\"lost\":{stats.Lost},\"naks\":{stats.NaksSent}}}");
        return 0;
    }
}
