namespace Telemetry.Dashboard.Feed;

/// <summary>
/// What the dashboard knows about one topic. The receive thread writes under the lock once per
/// batch (never per record, never allocating); the push loop reads and resets the per-window parts.
/// </summary>
internal sealed class TopicState(string topic, string kind)
{
    public string Topic { get; } = topic;

    /// <summary>Guards every field below between the receive thread and the readers.</summary>
    public Lock Sync { get; } = new();

    public string Kind { get; } = kind;

    /// <summary>The symbol for market-data topics (<c>md.SIM.AAPL</c> gives <c>AAPL</c>), else the topic.</summary>
    public string Symbol { get; } = kind == "tick" && topic.LastIndexOf('.') is int dot and >= 0 ? topic[(dot + 1)..] : topic;

    // Written by the receive thread under the lock.
    public string Publisher = string.Empty;
    public long Records;
    public long Gaps;
    public long Repaired;
    public long Resyncs;
    public long Conflated;
    public long MissingRecords;
    public long LastSeenNs;
    public long LatencySumNs;
    public long LatencyCount;
    public long LatencyMaxNs;
    public Tick Last;
    public Tick First;
    public long High = long.MinValue;
    public long Low = long.MaxValue;
    public bool HasTick;

    /// <summary>Set by the receive thread when a tick arrived, cleared by the push loop: the conflation flag.</summary>
    public bool Changed;

    // Owned by the push loop.
    public long RecordsAtLastRate;
    public double Rate;
    public double LatencyAvgMs;
    public double LatencyMaxMs;
    public ChartHistory History { get; } = new(600); // a minute at ten pushes a second: the detail view's chart

    /// <summary>Receive thread: a batch of ticks whose last record is <paramref name="last"/>.</summary>
    public void OnTicks(string publisher, int count, in Tick first, in Tick last, long high, long low, long nowNs, long latencyNs)
    {
        lock (Sync)
        {
            if (!HasTick)
            {
                First = first;
                HasTick = true;
            }

            Last = last;
            High = Math.Max(High, high);
            Low = Math.Min(Low, low);
            Changed = true;
            OnRecordsLocked(publisher, count, nowNs, latencyNs);
        }
    }

    /// <summary>Receive thread: a batch of any other kind.</summary>
    public void OnRecords(string publisher, int count, long nowNs, long latencyNs)
    {
        lock (Sync)
        {
            OnRecordsLocked(publisher, count, nowNs, latencyNs);
        }
    }

    /// <summary>Receive thread: missing records came in a repair answer, the latest value came back from a snapshot (resync), or a node's conflated feed replaced records by newer ones.</summary>
    public void OnRecovered(int repaired, bool resync, long conflated)
    {
        lock (Sync)
        {
            Repaired += repaired;
            Resyncs += resync ? 1 : 0;
            Conflated += conflated;
        }
    }

    /// <summary>Receive thread: records of this topic never arrived.</summary>
    public void OnGap(ulong missing)
    {
        lock (Sync)
        {
            Gaps++;
            MissingRecords += (long)missing;
        }
    }

    private void OnRecordsLocked(string publisher, int count, long nowNs, long latencyNs)
    {
        Publisher = publisher;
        Records += count;
        LastSeenNs = nowNs;
        LatencySumNs += latencyNs;
        LatencyCount++;
        LatencyMaxNs = Math.Max(LatencyMaxNs, latencyNs);
    }
}
