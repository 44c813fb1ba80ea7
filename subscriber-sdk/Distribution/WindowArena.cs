namespace Telemetry.Distribution;

/// <summary>
/// The bytes of a <see cref="RetransmitWindow"/>: batches copied into 1 MiB segments that are
/// reused once every batch in them has left the window. A window keeps batches for seconds, long
/// enough for the garbage collector to promote them, so an array per batch would turn every
/// eviction into old-generation garbage and grow the process well past the window's bound; reused
/// segments keep its memory at the bound. A batch larger than a segment gets an array of its own.
/// Used on the node's thread only.
/// </summary>
internal sealed class WindowArena
{
    public const int SegmentBytes = 1 << 20;

    private readonly Stack<Segment> _free = new();
    private readonly int _maxFree;
    private Segment? _current;

    /// <param name="maxBytes">The window's bound: at most this many bytes of free segments are kept for reuse.</param>
    public WindowArena(long maxBytes) => _maxFree = (int)Math.Min(int.MaxValue, Math.Max(1, maxBytes / SegmentBytes));

    /// <summary>Room for <paramref name="length"/> bytes; give it back with <see cref="Release"/>.</summary>
    public Slot Allocate(int length)
    {
        if (length > SegmentBytes)
        {
            var own = new Segment(new byte[length]);
            own.Used = length;
            own.Live = 1;
            return new Slot(own, 0, length);
        }

        if (_current is null || SegmentBytes - _current.Used < length)
        {
            var full = _current;
            _current = _free.TryPop(out var reused) ? reused : new Segment(new byte[SegmentBytes]);
            if (full is { Live: 0 })
            {
                Recycle(full);
            }
        }

        var slot = new Slot(_current, _current.Used, length);
        _current.Used += length;
        _current.Live++;
        return slot;
    }

    /// <summary>The slot's batch has left the window.</summary>
    public void Release(Slot slot)
    {
        var segment = slot.Segment;
        if (--segment.Live == 0 && !ReferenceEquals(segment, _current))
        {
            Recycle(segment);
        }
    }

    private void Recycle(Segment segment)
    {
        if (segment.Buffer.Length == SegmentBytes && _free.Count < _maxFree)
        {
            segment.Used = 0;
            _free.Push(segment);
        }
    }

    /// <summary>A part of a segment holding one batch.</summary>
    internal readonly record struct Slot(Segment Segment, int Offset, int Length)
    {
        public Span<byte> Span => Segment.Buffer.AsSpan(Offset, Length);
    }

    /// <summary>A buffer filled front to back, and how many batches in it are still in the window.</summary>
    internal sealed class Segment(byte[] buffer)
    {
        public byte[] Buffer { get; } = buffer;

        public int Used { get; set; }

        public int Live { get; set; }
    }
}
