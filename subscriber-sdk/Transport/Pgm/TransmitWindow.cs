namespace Telemetry.Transport.Pgm;

/// <summary>
/// The sender's history of ODATA packets, kept for repairs: a ring of preallocated slots indexed
/// by sequence number. Trail is the oldest sequence still held, lead the newest sent; a NAK for
/// anything older than the trail cannot be answered, and the receiver learns that from the trail
/// every data packet and SPM carries.
/// </summary>
internal sealed class TransmitWindow
{
    private readonly byte[][] _slots;
    private readonly int[] _lengths;
    private readonly Lock _lock = new();
    private readonly int _maxPacketBytes;
    private uint _trail;
    private uint _lead;
    private int _trailSlot;
    private int _count;

    public TransmitWindow(int packets, int maxPacketBytes, uint firstSequence)
    {
        // Slots are allocated on first use: a quiet publisher never pays for its whole window.
        _slots = new byte[packets][];
        _lengths = new int[packets];
        _maxPacketBytes = maxPacketBytes;

        _trail = firstSequence;
        _lead = firstSequence - 1;
    }

    public int Capacity => _slots.Length;

    /// <summary>Oldest sequence still held (equal to lead + 1 while the window is empty).</summary>
    public uint Trail
    {
        get
        {
            lock (_lock)
            {
                return _trail;
            }
        }
    }

    /// <summary>Newest sequence sent.</summary>
    public uint Lead
    {
        get
        {
            lock (_lock)
            {
                return _lead;
            }
        }
    }

    /// <summary>The next sequence number to send and the trail that packet must advertise (after it evicts the oldest when full).</summary>
    public (uint Sequence, uint Trail) NextSequence()
    {
        lock (_lock)
        {
            uint sequence = _lead + 1;
            uint trail = _count >= _slots.Length ? _trail + 1 : _trail;
            return (sequence, trail);
        }
    }

    /// <summary>Stores the packet just built for <paramref name="sequence"/> (from <see cref="NextSequence"/>), evicting the oldest when full.</summary>
    public void Append(uint sequence, ReadOnlySpan<byte> packet)
    {
        lock (_lock)
        {
            int slot;
            if (_count == _slots.Length)
            {
                // Full: the new packet takes the oldest one's slot.
                slot = _trailSlot;
                _trailSlot = (_trailSlot + 1) % _slots.Length;
                _trail++;
            }
            else
            {
                slot = (_trailSlot + _count) % _slots.Length;
                _count++;
            }

            var buffer = _slots[slot] ??= new byte[_maxPacketBytes];
            packet.CopyTo(buffer);
            _lengths[slot] = packet.Length;
            _lead = sequence;
        }
    }

    /// <summary>Copies the stored packet of <paramref name="sequence"/> as RDATA with the current trail; 0 when it is no longer held.</summary>
    public int CopyAsRdata(uint sequence, Span<byte> destination)
    {
        lock (_lock)
        {
            if (_count == 0 || PgmWire.Before(sequence, _trail) || PgmWire.Before(_lead, sequence))
            {
                return 0;
            }

            int slot = (int)((_trailSlot + (long)(sequence - _trail)) % _slots.Length);
            int length = _lengths[slot];
            _slots[slot].AsSpan(0, length).CopyTo(destination);
            PgmPacketWriter.ConvertToRdata(destination[..length], _trail);
            return length;
        }
    }
}
