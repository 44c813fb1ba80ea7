using System.Runtime.CompilerServices;
using Telemetry.Subscribing.Delivery;

namespace Telemetry;

/// <content>Decoded delivery through a bounded buffer, as an async stream.</content>
public sealed partial class TelemetrySubscriber
{
    /// <summary>
    /// Starts the subscriber and returns its records decoded as <typeparamref name="T"/>, through a
    /// buffer bounded by <see cref="SubscriberOptions.BufferCapacity"/> with the
    /// <see cref="SubscriberOptions.BufferFullMode"/> policy. Batches of another kind are skipped and
    /// counted (<see cref="RawRecord"/> accepts every kind). The enumeration ends when the subscriber is disposed.
    /// </summary>
    /// <exception cref="InvalidOperationException">The subscriber was already started.</exception>
    public IAsyncEnumerable<Received<T>> ReadAllAsync<T>(CancellationToken cancellationToken = default)
    {
        DeliveryBuffer<T> buffer = _options.BufferFullMode switch
        {
            BufferFullMode.Conflate => new ConflatingDeliveryBuffer<T>(_options.BufferCapacity),
            BufferFullMode.DropOldest => new QueueDeliveryBuffer<T>(_options.BufferCapacity, dropOldest: true),
            _ => new QueueDeliveryBuffer<T>(_options.BufferCapacity, dropOldest: false),
        };
        bool anyKind = typeof(T) == typeof(RawRecord);
        Start((in RecordBatch batch) => Decode(batch, buffer, anyKind));
        _completeDelivery = buffer.Complete;
        _buffered = () => buffer.Buffered;
        _bufferCounters = () => (buffer.Dropped, buffer.Conflated);
        return ReadBuffer(buffer, cancellationToken);
    }

    private static async IAsyncEnumerable<Received<T>> ReadBuffer<T>(DeliveryBuffer<T> buffer, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (true)
        {
            if (buffer.TryTake(out var chunk))
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

            if (buffer.IsDone)
            {
                yield break;
            }

            await buffer.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private void Decode<T>(in RecordBatch batch, DeliveryBuffer<T> buffer, bool anyKind)
    {
        var header = batch.Header;
        if (!anyKind && !string.Equals(header.Kind, RecordCodec<T>.Format.Kind, StringComparison.Ordinal))
        {
            _kindMismatch += header.Count;
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

        buffer.Post(chunk);
    }
}
