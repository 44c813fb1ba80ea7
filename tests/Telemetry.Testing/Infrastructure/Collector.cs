using System.Collections.Concurrent;

namespace Telemetry.Tests.Infrastructure;

/// <summary>Collects what a subscriber delivers through the zero-copy callback, plus its gap and restart events.</summary>
internal sealed class Collector<T>
{
    public ConcurrentQueue<Received<T>> Records { get; } = new();

    public ConcurrentQueue<GapEventArgs> Gaps { get; } = new();

    /// <summary>Every delivered batch's envelope and the size of its records, for tests that count bytes on a link.</summary>
    public ConcurrentQueue<(BatchHeader Header, int RecordBytes)> Batches { get; } = new();

    public ConcurrentQueue<PublisherRestartedEventArgs> Restarts { get; } = new();

    public TelemetrySubscriber Attach(TelemetrySubscriber subscriber, Action? onBatch = null)
    {
        subscriber.GapDetected += (_, e) => Gaps.Enqueue(e);
        subscriber.PublisherRestarted += (_, e) => Restarts.Enqueue(e);
        subscriber.Start((in RecordBatch batch) =>
        {
            onBatch?.Invoke();
            var h = batch.Header;
            Batches.Enqueue((h, batch.RecordBytes.Length));
            ulong seq = h.FirstSequence;
            foreach (var record in batch.Records<T>())
            {
                Records.Enqueue(new Received<T>(h.Topic, h.Publisher, h.Session, seq++, h.Kind, h.SentUnixNs, record));
            }
        });
        return subscriber;
    }
}
