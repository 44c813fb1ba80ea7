namespace Telemetry.Internal;

/// <summary>What <see cref="PendingRequests{T}.TryAdd"/> did with a request.</summary>
internal enum Admission
{
    /// <summary>Now pending.</summary>
    Admitted,

    /// <summary>A request with the same key is already pending; the new one was not taken.</summary>
    Duplicate,

    /// <summary>Its peer already has the most pending requests allowed for one peer.</summary>
    PeerLimit,

    /// <summary>The most pending requests allowed in total are pending.</summary>
    TotalLimit,
}

/// <summary>
/// Requests a node holds while they wait for something (a snapshot barrier, an upstream answer, a
/// repair), bounded per peer and in total, with O(1) amortized work per request whatever the
/// number pending: found by key, expired in deadline order. A peer that floods requests fills its
/// own share and is refused beyond it; the total bound caps the memory of many such peers. Used on
/// one thread only (the node's).
/// </summary>
/// <typeparam name="T">The request.</typeparam>
internal sealed class PendingRequests<T>(int maxPerPeer, int maxTotal, long maxTotalBytes = long.MaxValue)
    where T : class
{
    private readonly Dictionary<string, Entry> _byKey = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _perPeer = new(StringComparer.Ordinal);

    // Deadlines are never removed early: a request finished before its deadline leaves a stale entry
    // that is skipped when it comes up. Rebuilding when stale entries outnumber live ones keeps the
    // heap within twice the pending count, so a peer that completes requests fast cannot grow it.
    private readonly PriorityQueue<Entry, long> _deadlines = new();

    public int MaxPerPeer { get; } = maxPerPeer;

    public int MaxTotal { get; } = maxTotal;

    /// <summary>The most bytes (as the caller sizes its requests) held in all.</summary>
    public long MaxTotalBytes { get; } = maxTotalBytes;

    public int Count => _byKey.Count;

    public long Bytes { get; private set; }

    /// <summary>Holds a request until it is removed or its deadline passes.</summary>
    /// <param name="peer">Who sent it, for the per-peer bound.</param>
    /// <param name="key">Its unique name (a nonce).</param>
    /// <param name="request">The request.</param>
    /// <param name="deadline">When it expires, in <see cref="Environment.TickCount64"/> time.</param>
    /// <param name="bytes">What the request costs to hold, for the byte bound.</param>
    public Admission TryAdd(string peer, string key, T request, long deadline, long bytes = 0)
    {
        if (_byKey.ContainsKey(key))
        {
            return Admission.Duplicate;
        }

        if (_byKey.Count >= MaxTotal || Bytes + bytes > MaxTotalBytes)
        {
            return Admission.TotalLimit;
        }

        int held = _perPeer.GetValueOrDefault(peer);
        if (held >= MaxPerPeer)
        {
            return Admission.PeerLimit;
        }

        var entry = new Entry(peer, key, request, deadline, bytes);
        _byKey.Add(key, entry);
        Bytes += bytes;
        _perPeer[peer] = held + 1;
        Schedule(entry);
        return Admission.Admitted;
    }

    public bool TryGet(string key, out T request)
    {
        bool found = _byKey.TryGetValue(key, out var entry);
        request = found ? entry!.Request : null!;
        return found;
    }

    public bool Remove(string key)
    {
        if (!_byKey.Remove(key, out var entry))
        {
            return false;
        }

        entry.Removed = true;
        Bytes -= entry.Bytes;
        int held = _perPeer[entry.Peer] - 1;
        if (held == 0)
        {
            _perPeer.Remove(entry.Peer);
        }
        else
        {
            _perPeer[entry.Peer] = held;
        }

        return true;
    }

    /// <summary>Gives a pending request a new deadline (e.g. it moved on to waiting for an upstream).</summary>
    public void Reschedule(string key, long deadline)
    {
        if (_byKey.TryGetValue(key, out var entry))
        {
            // The old heap entry goes stale; a fresh one carries the new deadline.
            entry.Removed = true;
            var moved = new Entry(entry.Peer, key, entry.Request, deadline, entry.Bytes);
            _byKey[key] = moved;
            Schedule(moved);
        }
    }

    /// <summary>Takes out the next request whose deadline has passed; false when none has.</summary>
    public bool TryExpire(long now, out T request)
    {
        while (_deadlines.TryPeek(out var entry, out long deadline) && (entry.Removed || deadline <= now))
        {
            _deadlines.Dequeue();
            if (!entry.Removed)
            {
                Remove(entry.Key);
                request = entry.Request;
                return true;
            }
        }

        request = null!;
        return false;
    }

    private void Schedule(Entry entry)
    {
        _deadlines.Enqueue(entry, entry.Deadline);
        if (_deadlines.Count > 64 && _deadlines.Count > 2 * _byKey.Count)
        {
            _deadlines.Clear();
            foreach (var live in _byKey.Values)
            {
                _deadlines.Enqueue(live, live.Deadline);
            }
        }
    }

    private sealed class Entry(string peer, string key, T request, long deadline, long bytes)
    {
        public long Bytes { get; } = bytes;

        public string Peer { get; } = peer;

        public string Key { get; } = key;

        public T Request { get; } = request;

        public long Deadline { get; } = deadline;

        public bool Removed { get; set; }
    }
}
