namespace Telemetry.Distribution;

/// <summary>
/// A node's recent batches, kept whole as they were sent so that a repair resends the same bytes
/// (a relay never re-encodes; the receiver's overlap rule trims what it already has). One FIFO for
/// the node, bounded by bytes and by age, with an index by stream: a quiet topic's batches stay as
/// long as a busy topic's of the same age, which a ring per stream would not give (a quiet ring
/// keeps its batches for hours, a busy one for milliseconds). Used on the node's thread only.
/// </summary>
internal sealed class RetransmitWindow
{
    private readonly Queue<Entry> _fifo = new();
    private readonly Dictionary<string, StreamEntries> _streams = new(StringComparer.Ordinal);
    private readonly Dictionary<string, StreamEntries>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly long _maxAgeMs;
    private readonly WindowArena _arena;

    public RetransmitWindow(long maxBytes, TimeSpan maxAge)
    {
        _arena = new WindowArena(maxBytes);
        MaxBytes = maxBytes;
        MaxAge = maxAge;
        _maxAgeMs = (long)maxAge.TotalMilliseconds;
        _lookup = _streams.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>The most bytes of batches kept; 0 turns the window off.</summary>
    public long MaxBytes { get; }

    /// <summary>The longest a batch is kept.</summary>
    public TimeSpan MaxAge { get; }

    public bool Enabled => MaxBytes > 0 && _maxAgeMs > 0;

    /// <summary>Bytes of batches held (topic and body).</summary>
    public long Bytes { get; private set; }

    public int Batches => _fifo.Count;

    public int Streams => _streams.Count;

    /// <summary>Batches dropped from the window to stay within its bounds.</summary>
    public long EvictedBatches { get; private set; }

    public long EvictedRecords { get; private set; }

    /// <summary>Keeps a copy of one batch (its body is <paramref name="header"/> then <paramref name="records"/>).</summary>
    /// <param name="streamKey">The stream (<see cref="Wire.RepairProtocol.StreamKey"/>).</param>
    /// <param name="topicUtf8">The batch's topic frame.</param>
    /// <param name="first">Its first sequence number.</param>
    /// <param name="count">Its records.</param>
    /// <param name="header">The start of its body.</param>
    /// <param name="records">The rest of its body.</param>
    /// <param name="now">Now, in <see cref="Environment.TickCount64"/> time.</param>
    public void Add(ReadOnlySpan<char> streamKey, ReadOnlySpan<byte> topicUtf8, ulong first, int count, ReadOnlySpan<byte> header, ReadOnlySpan<byte> records, long now)
    {
        int length = header.Length + records.Length;
        if (!Enabled || count == 0 || length + topicUtf8.Length > MaxBytes)
        {
            return;
        }

        if (!_lookup.TryGetValue(streamKey, out var stream))
        {
            stream = new StreamEntries(streamKey.ToString(), topicUtf8.ToArray());
            _streams.Add(stream.Key, stream);
        }
        else if (stream.Count > 0 && first < stream.Last.End)
        {
            // Not after what is held (a relay's second path, a replay): the window stays in order.
            return;
        }

        var slot = _arena.Allocate(length);
        header.CopyTo(slot.Span);
        records.CopyTo(slot.Span[header.Length..]);
        var entry = new Entry(stream, slot, first, count, now);
        stream.Append(entry);
        _fifo.Enqueue(entry);
        Bytes += length + stream.TopicUtf8.Length;
        Evict(now);
    }

    /// <summary>Drops what is older than the age bound or beyond the byte bound.</summary>
    public void Evict(long now)
    {
        while (_fifo.TryPeek(out var oldest) && (Bytes > MaxBytes || now - oldest.AddedMs > _maxAgeMs))
        {
            _fifo.Dequeue();
            var stream = oldest.Stream;
            stream.RemoveOldest();
            if (stream.Count == 0)
            {
                _streams.Remove(stream.Key);
            }

            Bytes -= oldest.Length + stream.TopicUtf8.Length;
            EvictedBatches++;
            EvictedRecords += oldest.Count;
            _arena.Release(oldest.Slot);
        }
    }

    /// <summary>The first held sequence number of a stream and the one after its last; false when nothing of it is held.</summary>
    public bool TryGetRange(string streamKey, out ulong first, out ulong end)
    {
        first = end = 0;
        if (!_streams.TryGetValue(streamKey, out var stream) || stream.Count == 0)
        {
            return false;
        }

        first = stream.First.First;
        end = stream.Last.End;
        return true;
    }

    /// <summary>True when the held batches of the stream cover <paramref name="first"/>..<paramref name="last"/> with no hole.</summary>
    public bool Covers(string streamKey, ulong first, ulong last)
    {
        if (!_streams.TryGetValue(streamKey, out var stream))
        {
            return false;
        }

        ulong next = first;
        for (int i = stream.IndexOfFirstEndingAfter(first); i < stream.Count && next <= last; i++)
        {
            var entry = stream[i];
            if (entry.First > next)
            {
                return false;
            }

            next = entry.End;
        }

        return next > last;
    }

    /// <summary>The held batch holding <paramref name="sequence"/>, or the first one after it; null when none.</summary>
    public Entry? FindFrom(string streamKey, ulong sequence)
    {
        if (!_streams.TryGetValue(streamKey, out var stream))
        {
            return null;
        }

        int index = stream.IndexOfFirstEndingAfter(sequence);
        return index < stream.Count ? stream[index] : null;
    }

    /// <summary>One kept batch.</summary>
    internal sealed class Entry(StreamEntries stream, WindowArena.Slot slot, ulong first, int count, long addedMs)
    {
        public StreamEntries Stream { get; } = stream;

        public WindowArena.Slot Slot { get; } = slot;

        public int Length => Slot.Length;

        public ulong First { get; } = first;

        public int Count { get; } = count;

        public ulong End => First + (ulong)Count;

        public long AddedMs { get; } = addedMs;

        public ReadOnlySpan<byte> Span => Slot.Span;
    }

    /// <summary>A stream's batches in the window, oldest first: a list with a moving start.</summary>
    internal sealed class StreamEntries(string key, byte[] topicUtf8)
    {
        private readonly List<Entry> _entries = [];
        private int _head;

        public string Key { get; } = key;

        public byte[] TopicUtf8 { get; } = topicUtf8;

        public int Count => _entries.Count - _head;

        public Entry First => _entries[_head];

        public Entry Last => _entries[^1];

        public Entry this[int index] => _entries[_head + index];

        public void Append(Entry entry) => _entries.Add(entry);

        public void RemoveOldest()
        {
            _entries[_head++] = null!;
            if (_head == _entries.Count)
            {
                _entries.Clear();
                _head = 0;
            }
            else if (_head > 64 && _head * 2 > _entries.Count)
            {
                _entries.RemoveRange(0, _head);
                _head = 0;
            }
        }

        /// <summary>Index (from the oldest) of the first batch whose records end after <paramref name="sequence"/>.</summary>
        public int IndexOfFirstEndingAfter(ulong sequence)
        {
            int low = 0, high = Count;
            while (low < high)
            {
                int mid = (low + high) >>> 1;
                if (this[mid].End <= sequence)
                {
                    low = mid + 1;
                }
                else
                {
                    high = mid;
                }
            }

            return low;
        }
    }
}
