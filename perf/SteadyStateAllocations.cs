namespace Telemetry.Perf;

/// <summary>
/// Publishes ticks through a publisher and subscriber in this process (inproc) and reports the bytes
/// the whole process allocated per record once warm: the "no per-record allocation" check.
/// </summary>
internal static class SteadyStateAllocations
{
    public static async Task<int> RunAsync(int records)
    {
        await using var publisher = new TelemetryPublisher<Tick>(new PublisherOptions { Bind = ["inproc://alloc"] });
        await using var subscriber = new TelemetrySubscriber(new SubscriberOptions { Connect = ["inproc://alloc"], Prefixes = ["md."] });
        long received = 0, checksum = 0;
        subscriber.Start((in RecordBatch batch) =>
        {
            foreach (var tick in batch.Records<Tick>())
            {
                checksum += tick.Size;
            }

            Interlocked.Add(ref received, batch.Header.Count);
        });
        while (publisher.GetStats().Subscriptions == 0)
        {
            await Task.Delay(10);
        }

        var topic = publisher.Topic("md.ALLOC");
        await PublishAndWait(publisher, topic, records, () => Volatile.Read(ref received)); // warm-up: JIT, pools, buffers
        long before = GC.GetTotalAllocatedBytes(precise: true);
        await PublishAndWait(publisher, topic, records, () => Volatile.Read(ref received));
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        Console.WriteLine($"| steady state, {records:N0} ticks pub->sub inproc | {allocated:N0} bytes allocated in the process | {(double)allocated / records:F3} bytes/record |");
        GC.KeepAlive(checksum);
        return 0;
    }

    private static async Task PublishAndWait(TelemetryPublisher<Tick> publisher, PublisherTopic topic, int count, Func<long> received)
    {
        long target = received() + count;
        var tick = new Tick(1, 10_000, 9_999, 10_001, 100, 2, 0, TickFlags.Trade);
        for (int i = 0; i < count; i++)
        {
            publisher.Publish(topic, tick);
        }

        while (received() < target)
        {
            await Task.Delay(10);
        }
    }
}
