using Microsoft.Extensions.Logging;
using Telemetry.Tests.Infrastructure;

namespace Telemetry.Tests.Sdk;

/// <summary><see cref="SlowSubscriberMode.Wait"/>: a subscriber that stops reading makes the sender wait, and loses nothing.</summary>
public class SlowSubscriberTests
{
    [Fact]
    public async Task In_wait_mode_a_subscriber_that_stops_reading_loses_nothing_because_the_sender_waits()
    {
        using var stalled = new ManualResetEventSlim(false);
        await using var subscriber = new TelemetrySubscriber(new SubscriberOptions { Bind = ["tcp://127.0.0.1:*"], Prefixes = ["log."], ReceiveHighWatermark = 100 });

        // Declared after the subscriber, so disposed before it: a failing assertion must not leave
        // the receive thread stuck in the handler, or disposing the subscriber would wait for ever.
        using var release = new Releaser(stalled);
        long delivered = 0, outOfOrder = 0, gaps = 0;
        subscriber.GapDetected += (_, _) => Interlocked.Increment(ref gaps);

        // Checked as they arrive rather than kept: the test process's other tests measure its heap.
        subscriber.Start((in RecordBatch batch) =>
        {
            stalled.Wait();
            ulong sequence = batch.Header.FirstSequence;
            foreach (var record in batch.Records<LogRecord>())
            {
                if (sequence != (ulong)(delivered + 1) || record.TimestampNs != (long)sequence)
                {
                    outOfOrder++;
                }

                sequence++;
                Volatile.Write(ref delivered, delivered + 1);
            }
        });

        // Small batches, as at moderate rates, and a small budget so that it fills quickly: in Drop
        // mode the 1,000-message queue would overflow and the subscriber would see gaps.
        await using var publisher = new TelemetryPublisher<LogRecord>(new PublisherOptions
        {
            Name = "waiting",
            Connect = [subscriber.BoundEndpoints[0]],
            SlowSubscriberMode = SlowSubscriberMode.Wait,
            SendBufferBytes = 64 << 10,
            MaxBatchRecords = 4,
            QueueCapacity = 1024,
        });
        var topic = publisher.Topic("log.slow.Information");
        await Eventually.Until(() => publisher.GetStats().Subscriptions == 1, 30_000);

        // About 15 MB on the wire: more than ZeroMQ's queues and the OS's socket buffers hold.
        const int count = 100_000;
        string padding = new('x', 100);
        var publishing = Task.Run(() =>
        {
            for (int i = 1; i <= count; i++)
            {
                publisher.Publish(topic, new LogRecord(i, LogLevel.Information, "Slow", padding));
            }
        });

        // The sender waits again and again while the subscriber stays stalled (the OS's socket buffers
        // grow for a while, so it resumes now and then); what it keeps queued stays within the budget
        // plus one round (1,024 records here).
        long mostQueued = 0;
        await Eventually.Until(
            () =>
            {
                mostQueued = Math.Max(mostQueued, publisher.GetStats().QueuedBytes);
                return publisher.SubscriberWaits >= 100;
            },
            60_000,
            "the stalled subscriber should make the sender wait");
        stalled.Set();
        Assert.InRange(mostQueued, 64 << 10, 1 << 20);
        await publishing.WaitAsync(TimeSpan.FromSeconds(120));
        await Eventually.Until(() => Volatile.Read(ref delivered) == count, 120_000, () => $"every record should arrive ({Volatile.Read(ref delivered)})");

        Assert.Equal(0, Interlocked.Read(ref gaps));
        Assert.Equal(0, outOfOrder);
        Assert.Equal(0, publisher.GetStats().DroppedQueueFull);
        await Eventually.Until(() => publisher.GetStats().QueuedBytes == 0, 30_000, "once everything is written, nothing is queued");
    }

    [Fact]
    public void Wait_mode_needs_a_send_budget_of_at_least_64_KiB()
    {
        var options = new PublisherOptions { Bind = ["tcp://127.0.0.1:*"], SlowSubscriberMode = SlowSubscriberMode.Wait, SendBufferBytes = 1000 };
        Assert.Contains(options.Validate(), p => p.Contains("SendBufferBytes", StringComparison.Ordinal));
        Assert.Contains((options with { SlowSubscriberMode = (SlowSubscriberMode)7, SendBufferBytes = 64 << 10 }).Validate(), p => p.Contains("SlowSubscriberMode", StringComparison.Ordinal));
        Assert.Empty((options with { SendBufferBytes = 64 << 10 }).Validate());
    }

    private sealed class Releaser(ManualResetEventSlim gate) : IDisposable
    {
        public void Dispose() => gate.Set();
    }
}
