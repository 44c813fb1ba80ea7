namespace Telemetry.Subscribing.Delivery;

/// <summary>
/// The bounded hand-off between the receive thread (one writer) and the application's reader. Work
/// is per batch, not per record: one lock and at most one wake-up per batch on each side.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "SemaphoreSlim holds no OS handle unless AvailableWaitHandle is read, which it never is here.")]
internal abstract class DeliveryBuffer<T>
{
    private readonly SemaphoreSlim _signal = new(0);
    private bool _readerWaiting;
    private bool _completed;

    protected DeliveryBuffer(int capacity) => Capacity = capacity;

    protected int Capacity { get; }

    protected object Gate { get; } = new();

    public long Dropped { get; protected set; }

    public long Conflated { get; protected set; }

    public abstract int Buffered { get; }

    /// <summary>Adds a chunk; takes ownership of its array. Returns false once completed.</summary>
    public bool Post(RecordChunk<T> chunk)
    {
        lock (Gate)
        {
            if (_completed || !Add(chunk))
            {
                chunk.Return();
                return false;
            }

            WakeReader();
        }

        return true;
    }

    /// <summary>Takes what is buffered; false when nothing is (check <see cref="IsDone"/> then wait).</summary>
    public bool TryTake(out RecordChunk<T> chunk)
    {
        lock (Gate)
        {
            if (Take(out chunk))
            {
                Monitor.PulseAll(Gate);
                return true;
            }

            _readerWaiting = true;
            return false;
        }
    }

    public bool IsDone
    {
        get
        {
            lock (Gate)
            {
                return _completed && Buffered == 0;
            }
        }
    }

    public Task WaitAsync(CancellationToken cancellationToken) => _signal.WaitAsync(cancellationToken);

    /// <summary>No more posts; a blocked writer is released and the reader ends after draining.</summary>
    public void Complete()
    {
        lock (Gate)
        {
            _completed = true;
            Monitor.PulseAll(Gate);
            _readerWaiting = true;
            WakeReader();
        }
    }

    protected bool IsCompleted => _completed;

    /// <summary>Adds under the lock; may wait on <see cref="Gate"/> (Block) or evict (DropOldest).</summary>
    protected abstract bool Add(RecordChunk<T> chunk);

    protected abstract bool Take(out RecordChunk<T> chunk);

    private void WakeReader()
    {
        if (_readerWaiting)
        {
            _readerWaiting = false;
            _signal.Release();
        }
    }
}
