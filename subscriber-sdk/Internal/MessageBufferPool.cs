using NetMQ;
using Telemetry.Distribution;

namespace Telemetry.Internal;

/// <summary>
/// The buffers of NetMQ messages. A message buffer is taken on one thread (the sender thread that
/// builds the message, or NetMQ's I/O thread that decodes one) and returned on another when the
/// last reference to the message closes. <c>ArrayPool&lt;byte&gt;.Shared</c> keeps per-thread and
/// per-core caches of 32 arrays per size: under that cross-thread flow it ran dry on one side and
/// overflowed on the other, allocating and dropping about 1,200 arrays a second in the publisher
/// host at 1M records/s (its ArrayPoolEventSource said so). Arrays that lived through a gen0
/// collection while in flight were promoted and died old, and the publisher's RSS crept up 15% over
/// a 10-minute soak; with this pool it stayed within 2 to 5%. One bounded stack per power-of-two
/// size, shared by all threads: in steady state nothing is allocated or dropped.
/// </summary>
internal sealed class MessageBufferPool : IBufferPool
{
    private const int MinShift = 4;    // 16 B: topic frames are small
    private const int MaxShift = 20;   // 1 MiB: larger messages are rare; they are allocated and left to the GC

    // Per size class: up to MaxArrays arrays, and no more than MaxBytesPerClass in total, so the
    // pool can hold a full high-water mark of small messages but never more than 4 MiB of any
    // larger size: at most about 40 MiB over all classes (16 B to 4 KiB: 1,024 arrays each, 8 MiB
    // together; 8 KiB to 1 MiB: 4 MiB each).
    private const int MaxArrays = 1024;
    private const int MaxBytesPerClass = 4 << 20;

    private readonly SizeClass[] _classes;

    public MessageBufferPool()
    {
        _classes = new SizeClass[MaxShift - MinShift + 1];
        for (int i = 0; i < _classes.Length; i++)
        {
            int size = 1 << (MinShift + i);
            _classes[i] = new SizeClass(size, Math.Min(MaxBytesPerClass / size, MaxArrays));
        }
    }

    public byte[] Take(int size)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        int index = ClassOf(size);
        var array = index < _classes.Length ? _classes[index].Take() : GC.AllocateUninitializedArray<byte>(size);
        SentMessageBytes.Taken(array);
        return array;
    }

    public void Return(byte[] buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        SentMessageBytes.Returned(buffer);
        int index = ClassOf(buffer.Length);

        // Arrays of exactly a class size are kept (NetMQ only returns what Take gave it); any other
        // length, such as an exact-size array beyond the largest class, is left to the GC.
        if (index < _classes.Length && _classes[index].Size == buffer.Length)
        {
            _classes[index].Return(buffer);
        }
    }

    /// <summary>Arrays held by the pool now, over all sizes (for tests and diagnostics).</summary>
    public int Held => _classes.Sum(c => c.Count);

    /// <summary>Bytes held by the pool now, over all sizes.</summary>
    public long HeldBytes => _classes.Sum(c => (long)c.Count * c.Size);

    public void Dispose()
    {
    }

    private static int ClassOf(int size) =>
        size <= 1 << MinShift ? 0 : 32 - System.Numerics.BitOperations.LeadingZeroCount((uint)size - 1) - MinShift;

    private sealed class SizeClass(int size, int capacity)
    {
        private readonly Lock _lock = new();
        private readonly byte[][] _arrays = new byte[capacity][];
        private int _count;

        public int Size => size;

        public int Count => Volatile.Read(ref _count);

        public byte[] Take()
        {
            lock (_lock)
            {
                if (_count > 0)
                {
                    var array = _arrays[--_count];
                    _arrays[_count] = null!;
                    return array;
                }
            }

            return GC.AllocateUninitializedArray<byte>(size);
        }

        public void Return(byte[] array)
        {
            lock (_lock)
            {
                if (_count < _arrays.Length)
                {
                    _arrays[_count++] = array;
                }
            }
        }
    }
}
