using Microsoft.Extensions.Logging;
using Telemetry.Internal;
using Telemetry.Wire;

namespace Telemetry.Subscribing;

/// <summary>
/// The consumers of one subscriber's batches: zero-copy handlers given to <c>Start</c> and the
/// handlers of <see cref="RecordSubscription{T}"/>s. Every consumer gets every batch, in order, on
/// the receive thread; one that throws is counted and logged and the others still get the batch.
/// Consumers are added from any thread (copy on write); the receive thread reads the array.
/// </summary>
internal sealed class BatchConsumers(SubscriberCounters counters, RejectedInput rejected, ILogger logger)
{
    private readonly Lock _lock = new();
    private BatchHandler[] _handlers = [];
    private IRecordSubscription[] _subscriptions = [];

    public bool IsEmpty => Volatile.Read(ref _handlers).Length == 0;

    /// <summary>The typed subscriptions, for stats and to end their enumerations.</summary>
    public IReadOnlyList<IRecordSubscription> Subscriptions => Volatile.Read(ref _subscriptions);

    public void Add(BatchHandler handler, IRecordSubscription? subscription = null)
    {
        lock (_lock)
        {
            Volatile.Write(ref _handlers, [.. _handlers, handler]);
            if (subscription is not null)
            {
                Volatile.Write(ref _subscriptions, [.. _subscriptions, subscription]);
            }
        }
    }

    /// <summary>Hands <paramref name="batch"/> to every consumer.</summary>
    public void Deliver(in RecordBatch batch)
    {
        bool malformed = false;
        foreach (var handler in Volatile.Read(ref _handlers))
        {
            try
            {
                handler(batch);
            }
            catch (RecordDecodeException)
            {
                malformed = true;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                counters.HandlerErrors++;
                Log.HandlerFailed(logger, ex);
            }
        }

        // A batch whose records do not decode is one malformed message, however many consumers tried.
        if (malformed)
        {
            rejected.Add(DecodeError.BadRecord);
        }
        else
        {
            counters.Records += batch.Header.Count;
        }
    }

    /// <summary>Ends every typed enumeration after what is buffered (and releases a receive thread blocked on a full buffer).</summary>
    public void Complete()
    {
        foreach (var subscription in Subscriptions)
        {
            subscription.Complete();
        }
    }
}
