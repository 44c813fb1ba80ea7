namespace Telemetry;

/// <summary>
/// Callers of <c>FlushAsync</c> waiting for the sender to reach a count of processed records. The
/// sender reports after each round; a waiter is completed then, not by polling.
/// </summary>
internal sealed class FlushWaiters
{
    private readonly Lock _lock = new();
    private readonly List<(long Target, TaskCompletionSource Done)> _waiting = [];
    private long _processed;
    private bool _stopped;
    private volatile int _count;

    /// <summary>Records the sender has processed (sent, or numbered and skipped).</summary>
    public long Processed => Volatile.Read(ref _processed);

    /// <summary>Completes once <see cref="Processed"/> reaches <paramref name="target"/> or the sender stops.</summary>
    public Task WaitFor(long target, CancellationToken cancellationToken)
    {
        TaskCompletionSource done;
        lock (_lock)
        {
            if (_processed >= target || _stopped)
            {
                return Task.CompletedTask;
            }

            done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiting.Add((target, done));
            _count = _waiting.Count;
        }

        return cancellationToken.CanBeCanceled ? done.Task.WaitAsync(cancellationToken) : done.Task;
    }

    /// <summary>The sender has processed <paramref name="processed"/> records in all.</summary>
    public void Report(long processed)
    {
        Volatile.Write(ref _processed, processed);
        if (_count == 0)
        {
            return;
        }

        lock (_lock)
        {
            _processed = processed;
            Release(w => w.Target <= processed);
        }
    }

    /// <summary>The sender has stopped: nothing more will be processed.</summary>
    public void Stopped()
    {
        lock (_lock)
        {
            _stopped = true;
            Release(_ => true);
        }
    }

    private void Release(Predicate<(long Target, TaskCompletionSource Done)> reached)
    {
        foreach (var waiter in _waiting)
        {
            if (reached(waiter))
            {
                waiter.Done.TrySetResult();
            }
        }

        _waiting.RemoveAll(reached);
        _count = _waiting.Count;
    }
}
