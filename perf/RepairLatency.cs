using System.Diagnostics;
using System.Globalization;
using Telemetry.Perf.Micro;

namespace Telemetry.Perf;

/// <summary>
/// <c>perf repair [--holes N] [--hole-size N]</c>: how long a subscriber takes to close a hole of
/// N records from the publisher's retransmission window, over loopback TCP. Each round: the
/// publisher sends N+1 records of a fresh topic (a holder subscriber keeps the topic wanted, so the
/// batches go into the window); a new subscriber starts as a restarted sink would, having handled
/// record 1 (<see cref="SubscriberOptions.ResumeFrom"/>), in Hold mode; one more record is
/// published, which shows the hole; the clock runs from that publish to the delivery of the last
/// record (every repaired record, in order, then the live one).
/// </summary>
internal static class RepairLatency
{
    private const string Publisher = "repair-perf";

    public static async Task<int> RunAsync(int holes, int holeSize)
    {
        await using var publisher = new TelemetryPublisher<Tick>(new PublisherOptions { Name = Publisher, Bind = ["tcp://127.0.0.1:*"] });
        string endpoint = publisher.BoundEndpoints[0];
        await using var holder = new TelemetrySubscriber(new SubscriberOptions { Connect = [endpoint], Prefixes = ["perf.repair."], GapRepair = GapRepair.Off });
        holder.Start((in RecordBatch _) => { });
        await WaitAsync(() => publisher.GetStats().Subscriptions == 1, "the holder's subscription");

        var ticks = SampleTicks.Create(holeSize + 2);
        var latenciesUs = new List<double>();
        for (int round = 0; round < holes; round++)
        {
            string name = $"perf.repair.t{round}";
            var topic = publisher.Topic(name);
            publisher.Publish(topic, ticks.AsSpan(0, holeSize + 1));
            await publisher.FlushAsync();

            long delivered = 0, gaps = 0;
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var options = new SubscriberOptions
            {
                Connect = [endpoint],
                Prefixes = [name],
                GapRepair = GapRepair.Hold,
                ResumeFrom = [new StreamPosition(name, Publisher, publisher.Session, 1)],
            };
            await using (var subscriber = new TelemetrySubscriber(options))
            {
                subscriber.GapDetected += (_, _) => Interlocked.Increment(ref gaps);
                subscriber.Start((in RecordBatch batch) =>
                {
                    if (Interlocked.Add(ref delivered, batch.Header.Count) >= holeSize + 1)
                    {
                        done.TrySetResult();
                    }
                });
                await WaitAsync(() => publisher.GetStats().Subscriptions == 2, "the measured subscriber's subscription");

                var clock = Stopwatch.StartNew();
                publisher.Publish(topic, ticks[holeSize + 1]);
                await done.Task.WaitAsync(TimeSpan.FromSeconds(30));
                latenciesUs.Add(clock.Elapsed.TotalMicroseconds);
                if (Interlocked.Read(ref gaps) > 0 || subscriber.GetStats().RepairedRecords != holeSize)
                {
                    Console.Error.WriteLine($"round {round}: {subscriber.GetStats()}");
                    return 1;
                }
            }

            await WaitAsync(() => publisher.GetStats().Subscriptions == 1, "the measured subscriber to leave");
        }

        latenciesUs.Sort();
        double At(double q) => latenciesUs[Math.Min(latenciesUs.Count - 1, (int)(q * latenciesUs.Count))];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"repair of a {holeSize:N0}-record hole, {holes} rounds, publish of the revealing record to delivery of the last: p50 {At(0.5) / 1000:F2} ms, p90 {At(0.9) / 1000:F2} ms, max {latenciesUs[^1] / 1000:F2} ms, mean {latenciesUs.Average() / 1000:F2} ms"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"(publisher window: {publisher.GetStats().Retransmit})"));
        return 0;
    }

    private static async Task WaitAsync(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(20))
            {
                throw new TimeoutException($"waited 20 s for {what}");
            }

            await Task.Delay(5);
        }
    }
}
