namespace Telemetry.Subscribing.Delivery;

/// <summary>A FIFO of chunks bounded in records: blocks the writer or drops the oldest records when full.</summary>
internal sealed class QueueDeliveryBuffer<T>(int capacity, bool dropOldest) : DeliveryBuffer<T>(capacity)
{
    private readonly Queue<RecordChunk<T>> _chunks = new();
    private int _records;

    public override int Buffered => _records;

    protected override bool Add(RecordChunk<T> chunk)
    {
        // A chunk larger than the whole buffer is still accepted once the buffer is empty, so a
        // large batch never deadlocks a small buffer.
        while (_records > 0 && _records + chunk.Count > Capacity)
        {
            if (dropOldest)
            {
                var oldest = _chunks.Dequeue();
                _records -= oldest.Count;
                Dropped += oldest.Count;
                oldest.Return();
            }
            else
            {
                Monitor.Wait(Gate);
                if (IsCompleted)
                {
                    return false;
                }
            }
        }

        _chunks.Enqueue(chunk);
        _records += chunk.Count;
        return true;
    }

    protected override bool Take(out RecordChunk<T> chunk)
    {
        if (_chunks.TryDequeue(out chunk))
        {
            _records -= chunk.Count;
            return true;
        }

        return false;
    }
}
