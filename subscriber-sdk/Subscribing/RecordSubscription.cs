using System.Runtime.CompilerServices;
using Telemetry.Subscribing.Delivery;

namespace Telemetry.Subscribing;

/// <summary>What a subscriber needs of a typed subscription whatever its record type: its counters and its end.</summary>
internal interface IRecordSubscription
{
    int Buffered { get; }

    long Dropped { get; }

    long Conflated { get; }

    void Complete();
}

/// <summary>
/// One <c>ReadAllAsync&lt;T&gt;</c> consumer: it decodes each batch of its kind into its own bounded
/// buffer (<see cref="SubscriberOptions.BufferFullMode"/>) on the receive thread, and its reader
/// takes from that buffer. Several can read one subscriber, each getting every record.
/// </summary>
internal sealed class RecordSubscription<T> : IRecordSubscription
{
    private readonly DeliveryBuffer<T> _buffer;
    private readonly SubscriberCounters _counters;
    private readonly bool _anyKind = typeof(T) == typeof(RawRecord);

    public RecordSubscription(SubscriberOptions options, SubscriberCounters counters)
    {
        _counters = counters;
        _buffer = options.BufferFullMode switch
        {
            BufferFullMode.Conflate => new ConflatingDeliveryBuffer<T>(options.BufferCapacity),
            BufferFullMode.DropOldest => new QueueDeliveryBuffer<T>(options.BufferCapacity, dropOldest: true),
            _ => new QueueDeliveryBuffer<T>(options.BufferCapacity, dropOldest: false),
        };
    }

    public int Buffered => _buffer.Buffered;

    public long Dropped => _buffer.Dropped;

    public long Conflated => _buffer.Conflated;

    public void Complete() => _buffer.Complete();

    /// <summary>Receive thread: decodes the batch into the buffer (batches of another kind are skipped and counted; <see cref="RawRecord"/> takes every kind).</summary>
    public void Handle(in RecordBatch batch)
    {
        var header = batch.Header;
        if (!_anyKind && !string.Equals(header.Kind, RecordCodec<T>.Format.Kind, StringComparison.Ordinal))
        {
            _counters.KindMismatch += header.Count;
            return;
        }

        var chunk = RecordChunk<T>.Rent(header.Count);
        try
        {
            int i = 0;
            foreach (var record in batch.Records<T>())
            {
                chunk.Items[i] = new Received<T>(header.Topic, header.Publisher, header.Session, header.FirstSequence + (ulong)i, header.Kind, header.SentUnixNs, record);
                i++;
            }
        }
        catch
        {
            chunk.Return();
            throw;
        }

        _buffer.Post(chunk);
    }

    public async IAsyncEnumerable<Received<T>> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (true)
        {
            if (_buffer.TryTake(out var chunk))
            {
                try
                {
                    for (int i = 0; i < chunk.Count; i++)
                    {
                        yield return chunk.Items[i];
                    }
                }
                finally
                {
                    chunk.Return();
                }

                continue;
            }

            if (_buffer.IsDone)
            {
                yield break;
            }

            await _buffer.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
