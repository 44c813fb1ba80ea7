using System.Buffers;

namespace Telemetry.Cli.Sink;

/// <summary>
/// The hand-off from the subscriber's receive thread to the sink's writer thread, bounded in bytes.
/// The receive thread copies each batch in and goes straight back to the socket, so formatting, a
/// slow disk or an fsync never holds it up. When the writer is behind by the whole budget,
/// <see cref="Add"/> waits: the receive thread stops reading, ZeroMQ's queue and then TCP fill, and
/// the publishers are pushed back (they wait or drop, each by its own settings) instead of the
/// sink's memory growing.
/// </summary>
internal sealed class BatchQueue
{
    // What a batch costs beyond its record bytes (header, queue slot, the copy's rounding), so that a
    // flood of tiny batches is bounded too.
    private const int BatchOverhead = 128;

    private readonly object _gate = new();
    private readonly Queue<PendingBatch> _batches = new();
    private readonly long _capacity;
    private long _bytes;
    private long _fullWaits;
    private bool _completed;

    /// <param name="capacityBytes">Most bytes queued; one batch larger than this still passes, alone.</param>
    public BatchQueue(long capacityBytes) => _capacity = capacityBytes;

    /// <summary>Bytes queued or being written now.</summary>
    public long BufferedBytes => Volatile.Read(ref _bytes);

    /// <summary>True once <see cref="Complete"/> was called.</summary>
    public bool IsCompleted
    {
        get
        {
            lock (_gate)
            {
                return _completed;
            }
        }
    }

    /// <summary>How often the receive thread waited for the writer (the budget was full).</summary>
    public long FullWaits => Volatile.Read(ref _fullWaits);

    /// <summary>Copies <paramref name="batch"/> in, waiting while the queue is full.</summary>
    /// <returns>False once <see cref="Complete"/> was called: the batch was not taken.</returns>
    public bool Add(in RecordBatch batch)
    {
        var records = batch.RecordBytes;
        long cost = records.Length + BatchOverhead;
        lock (_gate)
        {
            if (IsFull(cost))
            {
                _fullWaits++;
                while (IsFull(cost))
                {
                    Monitor.Wait(_gate);
                }
            }

            if (_completed)
            {
                return false;
            }

            var copy = ArrayPool<byte>.Shared.Rent(records.Length);
            records.CopyTo(copy);
            _batches.Enqueue(new PendingBatch(batch.Header, copy, records.Length, Environment.TickCount64));
            _bytes += cost;
            Monitor.PulseAll(_gate);
        }

        return true;
    }

    /// <summary>Moves every queued batch into <paramref name="into"/>, waiting up to <paramref name="timeout"/> for the first.</summary>
    /// <returns>False when the queue is completed and empty: the writer is done.</returns>
    public bool TakeAll(List<PendingBatch> into, TimeSpan timeout)
    {
        lock (_gate)
        {
            if (_batches.Count == 0 && !_completed && timeout > TimeSpan.Zero)
            {
                Monitor.Wait(_gate, timeout);
            }

            while (_batches.TryDequeue(out var batch))
            {
                into.Add(batch);
            }

            return !(_completed && into.Count == 0);
        }
    }

    /// <summary>Gives the bytes of written batches back to the budget (and their copies back to the pool).</summary>
    public void Release(List<PendingBatch> batches, int count)
    {
        long cost = 0;
        for (int i = 0; i < count; i++)
        {
            cost += batches[i].Length + BatchOverhead;
            ArrayPool<byte>.Shared.Return(batches[i].Buffer);
        }

        batches.RemoveRange(0, count);
        lock (_gate)
        {
            _bytes -= cost;
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>No more batches: a waiting <see cref="Add"/> gives up, and the writer stops once the queue is empty.</summary>
    public void Complete()
    {
        lock (_gate)
        {
            _completed = true;
            Monitor.PulseAll(_gate);
        }
    }

    private bool IsFull(long cost) => !_completed && _bytes > 0 && _bytes + cost > _capacity;
}

/// <summary>A received batch, copied out of the ZeroMQ frame, waiting for the writer thread; <paramref name="ArrivedMs"/> is <see cref="Environment.TickCount64"/> when it was added.</summary>
internal readonly record struct PendingBatch(BatchHeader Header, byte[] Buffer, int Length, long ArrivedMs);
