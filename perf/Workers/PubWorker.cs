using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;

namespace Telemetry.Perf.Workers;

/// <summary>
/// <c>perf worker pub</c>: a TelemetryPublisher of ticks bound to one endpoint. Waits for its
/// subscribers, then publishes flat out (<c>--rate 0</c>) or paced, over <c>--topics</c> topics with
/// Zipf-distributed rates (<c>--zipf S</c>). Every tick carries its send time in ExchangeTimeNs, so
/// subscribers can measure one-way latency. Prints a JSON progress line per second until stdin closes.
/// </summary>
internal static class PubWorker
{
    // Flat out, the clock is read once per slice: a clock read per record would cost more than encoding it.
    private const int Slice = 64;

    public static int Run(WorkerArgs args)
    {
        args.ApplyClockOffset();
        string bind = args.Required("--bind");
        int topicCount = (int)args.Long("--topics", 1);
        double rate = args.Double("--rate", 0);
        int waitSubscribers = (int)args.Long("--wait-subs", 1);
        var options = new PublisherOptions
        {
            Name = "perf-pub",
            Bind = [bind],
            MaxBatchRecords = (int)args.Long("--max-batch", PublisherOptions.Default.MaxBatchRecords),
            RetransmitWindowBytes = args.Long("--window-bytes", PublisherOptions.Default.RetransmitWindowBytes),
        };

        using var publisher = new TelemetryPublisher<Tick>(options);
        var topics = Enumerable.Range(0, topicCount)
            .Select(i => publisher.Topic(string.Create(CultureInfo.InvariantCulture, $"md.PERF.T{i:D4}")))
            .ToArray();
        var sequence = ZipfTopics.Sequence(topicCount, args.Double("--zipf", 0), seed: 4);
        var clock = Stopwatch.StartNew();
        while (publisher.GetStats() is var stats && (stats.Connections < waitSubscribers || stats.Subscriptions == 0))
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(60))
            {
                StatsLine.Write(new JsonObject { ["role"] = "pub", ["event"] = "error", ["message"] = "no subscriber within 60 s" });
                return 1;
            }

            Thread.Sleep(10);
        }

        StatsLine.Write(new JsonObject { ["role"] = "pub", ["event"] = "ready", ["connections"] = publisher.GetStats().Connections });
        var stop = new CancellationTokenSource();
        var sender = new Thread(() => Publish(publisher, topics, sequence, rate, stop.Token)) { Name = "perf-pub", IsBackground = true };
        sender.Start();
        using var progress = new Timer(_ => Report(publisher, clock), null, 1000, 1000);
        StatsLine.WaitForStdinToClose();
        stop.Cancel();
        sender.Join();
        return 0;
    }

    private static void Publish(TelemetryPublisher<Tick> publisher, PublisherTopic[] topics, int[] sequence, double rate, CancellationToken stop)
    {
        var pacer = rate > 0 ? new Pacer(rate) : null;
        var burst = new Tick[Slice];
        int mask = sequence.Length - 1;
        long n = 0;
        while (!stop.IsCancellationRequested)
        {
            // Paced at a low rate, one record per clock read, so each carries its own send time.
            int count = pacer?.WaitForDue(rate >= 100_000 ? Slice : 1) ?? Slice;
            long sentNs = SharedClock.NowNs();
            if (topics.Length == 1)
            {
                // One topic: the burst overload, one queue reservation per slice, as an application would.
                for (int i = 0; i < count; i++)
                {
                    burst[i] = NextTick(sentNs, n + i);
                }

                publisher.Publish(topics[0], burst.AsSpan(0, count));
                n += count;
            }
            else
            {
                for (int i = 0; i < count; i++, n++)
                {
                    publisher.Publish(topics[sequence[n & mask]], NextTick(sentNs, n));
                }
            }

            pacer?.Sent(count);
        }
    }

    private static Tick NextTick(long sentNs, long n)
    {
        long price = 1_000_000 + (n & 1023);
        return new Tick(sentNs, price, price - 1, price + 1, 100 + (n & 15), 4, 0, TickFlags.Trade);
    }

    private static void Report(TelemetryPublisher<Tick> publisher, Stopwatch clock)
    {
        var stats = publisher.GetStats();
        StatsLine.Write(new JsonObject
        {
            ["role"] = "pub",
            ["event"] = "progress",
            ["t"] = Math.Round(clock.Elapsed.TotalSeconds, 1),
            ["published"] = stats.Published,
            ["sent"] = stats.Sent,
            ["batches"] = stats.Batches,
            ["queue"] = stats.QueueDepth,
            ["allocated_bytes"] = GC.GetTotalAllocatedBytes(),
            ["connections"] = stats.Connections,
        });
    }
}
