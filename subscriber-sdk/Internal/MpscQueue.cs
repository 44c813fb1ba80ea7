using System.Runtime.CompilerServices;

namespace Telemetry.Internal;

/// <summary>
/// A bounded multi-producer, single-consumer ring (Vyukov's sequence-per-slot scheme): one CAS per
/// enqueue, no lock, no allocation. The single consumer drains in bulk.
/// </summary>
/// <typeparam name="T">The element type, stored by value.</typeparam>
internal sealed class MpscQueue<T>
{
    private readonly Slot[] _slots;
    private readonly int _mask;
    private PaddedLong _enqueuePosition;
    private PaddedLong _dequeuePosition;

    public MpscQueue(int capacity)
    {
        int size = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(capacity, 2));
        _slots = new Slot[size];
        _mask = size - 1;
        for (int i = 0; i < size; i++)
        {
            _slots[i].Sequence = i;
        }
    }

    public int Capacity => _slots.Length;

    /// <summary>How many items were ever enqueued.</summary>
    public long EnqueuedCount => Volatile.Read(ref _enqueuePosition.Value);

    /// <summary>How many items were ever dequeued.</summary>
    public long DequeuedCount => Volatile.Read(ref _dequeuePosition.Value);

    public int Count => (int)Math.Max(0, EnqueuedCount - DequeuedCount);

    public bool IsEmpty
    {
        get
        {
            long position = Volatile.Read(ref _dequeuePosition.Value);
            return Volatile.Read(ref _slots[position & _mask].Sequence) != position + 1;
        }
    }

    public bool TryEnqueue(in T item)
    {
        long position = Volatile.Read(ref _enqueuePosition.Value);
        while (true)
        {
            ref Slot slot = ref _slots[position & _mask];
            long sequence = Volatile.Read(ref slot.Sequence);
            long difference = sequence - position;
            if (difference == 0)
            {
                if (Interlocked.CompareExchange(ref _enqueuePosition.Value, position + 1, position) == position)
                {
                    slot.Item = item;
                    Volatile.Write(ref slot.Sequence, position + 1);
                    return true;
                }

                position = Volatile.Read(ref _enqueuePosition.Value);
            }
            else if (difference < 0)
            {
                return false;
            }
            else
            {
                position = Volatile.Read(ref _enqueuePosition.Value);
            }
        }
    }

    /// <summary>
    /// Claims up to <paramref name="max"/> consecutive slots with one CAS; fill each with
    /// <see cref="Publish"/>. The consumer frees slots in order, so if the last claimed slot is free
    /// every one before it is too.
    /// </summary>
    /// <returns>How many slots were claimed (0 when the queue is full), starting at <paramref name="start"/>.</returns>
    public int TryReserve(int max, out long start)
    {
        while (true)
        {
            start = Volatile.Read(ref _enqueuePosition.Value);
            long free = _slots.Length - (start - Volatile.Read(ref _dequeuePosition.Value));
            int count = (int)Math.Min(max, free);
            if (count <= 0)
            {
                return 0;
            }

            long last = start + count - 1;
            if (Volatile.Read(ref _slots[last & _mask].Sequence) != last)
            {
                // The consumer has not released that slot yet (its position moved, the slot did not): retry.
                Thread.SpinWait(1);
                continue;
            }

            if (Interlocked.CompareExchange(ref _enqueuePosition.Value, start + count, start) == start)
            {
                return count;
            }
        }
    }

    /// <summary>Fills a slot claimed by <see cref="TryReserve"/> and hands it to the consumer.</summary>
    public void Publish(long position, in T item)
    {
        ref Slot slot = ref _slots[position & _mask];
        slot.Item = item;
        Volatile.Write(ref slot.Sequence, position + 1);
    }

    /// <summary>Moves up to <c>destination.Length</c> items into <paramref name="destination"/>; consumer thread only.</summary>
    public int DrainTo(Span<T> destination)
    {
        long position = _dequeuePosition.Value;
        int taken = 0;
        while (taken < destination.Length)
        {
            ref Slot slot = ref _slots[position & _mask];
            if (Volatile.Read(ref slot.Sequence) != position + 1)
            {
                break;
            }

            destination[taken++] = slot.Item;
            if (RuntimeHelpers.IsReferenceOrContainsReferences<T>())
            {
                slot.Item = default!;
            }

            Volatile.Write(ref slot.Sequence, position + _slots.Length);
            position++;
        }

        Volatile.Write(ref _dequeuePosition.Value, position);
        return taken;
    }

    private struct Slot
    {
        public long Sequence;
        public T Item;
    }
}

// Producers hammer the enqueue position and the consumer the dequeue position: keep them on
// separate cache lines.
[System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Explicit, Size = 128)]
internal struct PaddedLong
{
    [System.Runtime.InteropServices.FieldOffset(64)]
    public long Value;
}
