namespace Telemetry.Distribution;

/// <summary>
/// The bytes of one publisher's messages that NetMQ still holds: queued toward its subscribers, or
/// being written. Every NetMQ message buffer comes from <see cref="Internal.MessageBufferPool"/>, and
/// goes back to it once the I/O thread has written the message to every subscriber it was for (or the
/// subscriber's queue was dropped); the pool reports arrays taken while a publisher's sender thread
/// has claimed them, and every array returned, so the count is exact for this publisher alone. The
/// process's other sockets do not count, nor do the buffers NetMQ never returns (those of received
/// ZMTP commands, and of a message half received when a connection breaks).
/// </summary>
/// <remarks>
/// A set of arrays rather than a counter, because the pool hands out the same array again once it is
/// back: only the set tells a returned array of this publisher from one of another socket. It costs a
/// lookup under a lock for each frame taken and returned, only while a publisher in
/// <see cref="SlowSubscriberMode.Wait"/> exists.
/// </remarks>
internal sealed class SentMessageBytes : IDisposable
{
    private static readonly Lock Registry = new();
    private static SentMessageBytes[] s_active = [];

    [ThreadStatic]
    private static SentMessageBytes? t_claimant;

    private readonly Lock _lock = new();
    private readonly HashSet<byte[]> _arrays = new(ReferenceEqualityComparer.Instance);
    private long _bytes;

    public SentMessageBytes()
    {
        lock (Registry)
        {
            s_active = [.. s_active, this];
        }
    }

    /// <summary>Bytes of the arrays (sizes rounded up to a power of two) of this publisher's messages NetMQ still holds.</summary>
    public long Bytes => Volatile.Read(ref _bytes);

    /// <summary>Arrays the pool hands out on this thread until <see cref="Claim.Dispose"/> belong to this publisher.</summary>
    public Claim ClaimTakes()
    {
        t_claimant = this;
        return new Claim(this);
    }

    /// <summary>Called by the pool for every array it hands out.</summary>
    public static void Taken(byte[] array) => t_claimant?.Add(array);

    /// <summary>Called by the pool for every array NetMQ gives back.</summary>
    public static void Returned(byte[] array)
    {
        foreach (var owner in Volatile.Read(ref s_active))
        {
            if (owner.Remove(array))
            {
                return;
            }
        }
    }

    public void Dispose()
    {
        lock (Registry)
        {
            s_active = [.. s_active.Where(t => !ReferenceEquals(t, this))];
        }
    }

    private void Add(byte[] array)
    {
        lock (_lock)
        {
            if (_arrays.Add(array))
            {
                _bytes += array.Length;
            }
        }
    }

    private bool Remove(byte[] array)
    {
        lock (_lock)
        {
            if (!_arrays.Remove(array))
            {
                return false;
            }

            _bytes -= array.Length;
            return true;
        }
    }

    /// <summary>The scope of a <see cref="ClaimTakes"/>; ends the claim. The default claims nothing.</summary>
    public readonly ref struct Claim(SentMessageBytes? owner)
    {
        public void Dispose()
        {
            if (owner is not null)
            {
                t_claimant = null;
            }
        }
    }
}
