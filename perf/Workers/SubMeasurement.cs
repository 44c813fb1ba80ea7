namespace Telemetry.Perf.Workers;

/// <summary>How a subscriber worker samples latency.</summary>
internal enum LatencySampling
{
    /// <summary>Every record: for paced runs, where each record is a sample.</summary>
    All,

    /// <summary>The oldest record of each batch, counted for the whole batch: an upper bound that costs one histogram write per batch, for flat-out runs.</summary>
    FirstOfBatch,
}

/// <summary>
/// What a subscriber worker counts, all on the receive thread. The window is fixed by the first
/// batch (warm-up after it, then the measured seconds), and the handler only counts batches inside
/// it, so the main thread can read the figures after the window without locking.
/// </summary>
internal sealed class SubMeasurement(double warmupSeconds, double seconds, LatencySampling sampling, LatencyRecorder latency)
{
    private readonly long[] _perSecond = new long[(int)Math.Ceiling(seconds) + 1];
    private readonly HdrHistogram.LongHistogram _batchSizes = new(1, 1 << 20, 3);
    private long _firstNs;
    private long _windowStartNs;
    private long _windowEndNs;
    private long _checksum;

    public long TotalRecords { get; private set; }

    public long Records { get; private set; }

    public long Batches { get; private set; }

    public LatencyRecorder Latency => latency;

    /// <summary>
    /// The latency split at the batch's send time (its <see cref="BatchHeader.SentUnixNs"/>, read by
    /// the publisher's sender when it encodes the round): the publisher's caller to the send, and the
    /// send to the application (NetMQ and TCP on both sides, then the receive thread to the batch
    /// callback). Raw, not CO-corrected: the parts of one record's trip, sampled with every record.
    /// The send time is on the publisher's <see cref="UnixClock"/>, anchored to the wall clock once in
    /// its process, the rest on <see cref="SharedClock"/>: the split is off by that anchoring's
    /// error, a microsecond or so.
    /// </summary>
    public LatencyRecorder CallerToSend { get; } = new(0);

    /// <inheritdoc cref="CallerToSend"/>
    public LatencyRecorder SendToApplication { get; } = new(0);

    /// <summary>Monotonic ns of the first batch; 0 before it.</summary>
    public long FirstNs => Volatile.Read(ref _firstNs);

    public long WindowStartNs => Volatile.Read(ref _windowStartNs);

    public long WindowEndNs => Volatile.Read(ref _windowEndNs);

    public IReadOnlyList<long> PerSecond => _perSecond;

    /// <summary>Records per delivered batch, over the window.</summary>
    public HdrHistogram.LongHistogram BatchSizes => _batchSizes;

    public void OnBatch(in RecordBatch batch)
    {
        long mono = SharedClock.MonotonicNs();
        if (_firstNs == 0)
        {
            _windowStartNs = mono + (long)(warmupSeconds * 1e9);
            _windowEndNs = _windowStartNs + (long)(seconds * 1e9);
            Volatile.Write(ref _firstNs, mono);
        }

        // The clock is read once per batch: its records reach the application together.
        long nowNs = mono + SharedClock.OffsetNs;
        int count = batch.Header.Count;
        long checksum = 0;
        TotalRecords += count;
        if (mono < _windowStartNs || mono >= _windowEndNs)
        {
            foreach (var tick in batch.Records<Tick>())
            {
                checksum += tick.Price;
            }
        }
        else if (sampling == LatencySampling.All)
        {
            long sentNs = batch.Header.SentUnixNs;
            foreach (var tick in batch.Records<Tick>())
            {
                checksum += tick.Price;
                latency.Record(nowNs - tick.ExchangeTimeNs);
                CallerToSend.Record(sentNs - tick.ExchangeTimeNs);
            }

            SendToApplication.Record(nowNs - sentNs, count);
            Count(mono, count);
        }
        else
        {
            long oldest = long.MaxValue;
            foreach (var tick in batch.Records<Tick>())
            {
                checksum += tick.Price;
                oldest = Math.Min(oldest, tick.ExchangeTimeNs);
            }

            latency.Record(nowNs - oldest, count);
            Count(mono, count);
        }

        // Consumed, so the JIT cannot drop the decoding the benchmark is about.
        _checksum += checksum;
    }

    public long Checksum => _checksum;

    /// <summary>One message carrying one record (the NATS peer): same window, every latency recorded.</summary>
    public void OnMessage(long sentNs)
    {
        long mono = SharedClock.MonotonicNs();
        if (_firstNs == 0)
        {
            _windowStartNs = mono + (long)(warmupSeconds * 1e9);
            _windowEndNs = _windowStartNs + (long)(seconds * 1e9);
            Volatile.Write(ref _firstNs, mono);
        }

        TotalRecords++;
        if (mono >= _windowStartNs && mono < _windowEndNs)
        {
            latency.Record(mono + SharedClock.OffsetNs - sentNs);
            Count(mono, 1);
        }
    }

    private void Count(long mono, int count)
    {
        Records += count;
        Batches++;
        _batchSizes.RecordValue(Math.Clamp(count, 1, 1 << 20));
        _perSecond[(int)((mono - _windowStartNs) / 1_000_000_000)] += count;
    }
}
