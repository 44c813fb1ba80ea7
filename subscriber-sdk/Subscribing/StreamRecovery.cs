namespace Telemetry.Subscribing;

/// <summary>
/// What a stream with missing records carries until they are repaired or given up: the holes
/// (sorted ranges of sequence numbers not received), and for a held stream the later records kept
/// back so the application sees every record in order. Created at the first hole and dropped when
/// the last one closes, so a healthy stream carries nothing. Used on the receive thread only.
/// </summary>
internal sealed class StreamRecovery(bool hold, ulong delivered)
{
    /// <summary>The most holes one stream keeps open; beyond it the oldest is given up.</summary>
    public const int MaxHoles = 8192;

    /// <summary>True when later records wait for the holes (every record, in order).</summary>
    public bool Hold { get; } = hold;

    /// <summary>Held streams: the next sequence number to hand to the application.</summary>
    public ulong Delivered { get; set; } = delivered;

    /// <summary>Missing ranges, oldest first, none overlapping.</summary>
    public List<Hole> Holes { get; } = [];

    /// <summary>Held streams: records kept back, sorted by first sequence number, none overlapping.</summary>
    public List<HeldRecords> Held { get; } = [];

    public long HeldBytes { get; set; }

    /// <summary>Requests in a row that filled nothing although the node said it sent everything.</summary>
    public int Retries { get; set; }

    /// <summary>The repair request in flight for this stream; at most one.</summary>
    public RepairClient.Request? Request { get; set; }

    /// <summary>Marks <paramref name="first"/>..<paramref name="end"/> (exclusive) missing, after every hole already known.</summary>
    public void AddHole(ulong first, ulong end, long askAfterMs) => Holes.Add(new Hole(first, end, askAfterMs));

    /// <summary>Removes <paramref name="first"/>..<paramref name="end"/> from the holes; calls <paramref name="removed"/> for each piece that was missing.</summary>
    public void Close(ulong first, ulong end, Action<ulong, ulong>? removed = null)
    {
        for (int i = FirstEndingAfter(first); i < Holes.Count && Holes[i].First < end; i++)
        {
            var hole = Holes[i];
            ulong a = Math.Max(first, hole.First), b = Math.Min(end, hole.End);
            if (a >= b)
            {
                continue;
            }

            removed?.Invoke(a, b);
            if (a == hole.First && b == hole.End)
            {
                Holes.RemoveAt(i--);
            }
            else if (a == hole.First)
            {
                Holes[i] = hole with { First = b };
            }
            else if (b == hole.End)
            {
                Holes[i] = hole with { End = a };
            }
            else
            {
                Holes[i] = hole with { End = a };
                Holes.Insert(++i, hole with { First = b });
            }
        }
    }

    /// <summary>Index of the first hole that ends after <paramref name="sequence"/>.</summary>
    public int FirstEndingAfter(ulong sequence)
    {
        int low = 0, high = Holes.Count;
        while (low < high)
        {
            int mid = (low + high) >>> 1;
            if (Holes[mid].End <= sequence)
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

    /// <summary>Keeps records back, in sequence order.</summary>
    public void AddHeld(HeldRecords records)
    {
        int index = Held.Count;
        while (index > 0 && Held[index - 1].First > records.First)
        {
            index--;
        }

        Held.Insert(index, records);
        HeldBytes += records.Bytes.Length;
    }

    /// <summary>Drops the first held run (delivered now).</summary>
    public void RemoveFirstHeld()
    {
        HeldBytes -= Held[0].Bytes.Length;
        Held.RemoveAt(0);
    }

    /// <summary>A range of missing sequence numbers, and when it may first be asked for.</summary>
    public readonly record struct Hole(ulong First, ulong End, long AskAfterMs);

    /// <summary>A run of records kept back: their bytes (a copy), first sequence number and count.</summary>
    public sealed record HeldRecords(ulong First, int Count, long SentUnixNs, bool Repaired, byte[] Bytes)
    {
        public ulong End => First + (ulong)Count;
    }
}
