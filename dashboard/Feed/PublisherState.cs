namespace Telemetry.Dashboard.Feed;

/// <summary>A publisher seen on the wire: written by the receive thread under the lock, read by the system view.</summary>
internal sealed class PublisherState(string name)
{
    private readonly HashSet<string> _topics = new(StringComparer.Ordinal);

    public string Name { get; } = name;

    /// <summary>Guards every field below between the receive thread and the readers.</summary>
    public Lock Sync { get; } = new();

    public ulong Session;
    public long Records;
    public long Batches;
    public long Gaps;
    public long Restarts;
    public long LastSeenNs;
    public long LastGapNs;

    // Owned by the system view.
    public long RecordsAtLastRate;
    public double Rate;

    /// <summary>Topics seen from this publisher; read it holding <see cref="Sync"/>.</summary>
    public int TopicCountLocked => _topics.Count;

    /// <summary>Receive thread, once per batch. Adding a topic already known allocates nothing.</summary>
    public void OnBatch(string topic, ulong session, int count, long nowNs)
    {
        lock (Sync)
        {
            _topics.Add(topic);
            Session = session;
            Records += count;
            Batches++;
            LastSeenNs = nowNs;
        }
    }
}
