using System.Buffers;
using Telemetry.Cli.Output;
using Telemetry.Cli.Terminal;

namespace Telemetry.Cli.Sink;

/// <summary>
/// The sink's writer thread: takes batches from the <see cref="BatchQueue"/>, formats them as JSON
/// lines and hands them to the <see cref="RotatingFileWriter"/> in chunks of whole lines. A batch
/// waits <see cref="OrderGrace"/> after it arrived, and a publisher's round (one batch per topic,
/// sent back to back with one send time) is written whole, so that <see cref="LogOrder"/> can put
/// an application's records on its different log topics back in the order they were logged. Owns the formatter, the line buffer and the written-record counters.
/// </summary>
internal sealed class SinkWriter
{
    // Lines handed to the OS per write call: about this much (one batch's lines are never split).
    private const int ChunkBytes = 64 << 10;
    private static readonly TimeSpan IdleWait = TimeSpan.FromSeconds(1);

    // How long a batch waits for the batches logged beside it on the application's other topics: a
    // publisher sends one round's batches back to back, so they arrive within microseconds; 100 ms
    // also covers scheduling on a busy machine. A record held longer on the way (waiting for a
    // repair) can still land after later ones of another level.
    private static readonly TimeSpan OrderGrace = TimeSpan.FromMilliseconds(100);

    private readonly BatchQueue _queue;
    private readonly RotatingFileWriter _files;
    private readonly SinkCheckpoint _checkpoint;
    private readonly TimeProvider _time;
    private readonly ArrayBufferWriter<byte> _lines = new(ChunkBytes + (ChunkBytes / 4));
    private readonly List<PendingBatch> _taken = [];
    private readonly List<BatchHeader> _chunk = [];
    private readonly LogOrder _order = new();
    private readonly List<LogOrder.Unit> _plan = [];
    private readonly HashSet<(string Topic, string Publisher)> _streams = [];
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _written;
    private long _bytesWritten;
    private long _lost;
    private long _writeErrors;
    private int _rotations;
    private int _streamCount;

    public SinkWriter(BatchQueue queue, RotatingFileWriter files, SinkCheckpoint checkpoint, TimeProvider time)
    {
        _checkpoint = checkpoint;

        // A checkpoint at every new file: a sink killed before its first fsync still leaves one,
        // and its successor reads the lines after it.
        files.Opened = path => _checkpoint.Save(path, 0);
        _queue = queue;
        _files = files;
        _time = time;
        new Thread(Run) { IsBackground = true, Name = "telemetry-sink-writer" }.Start();
    }

    /// <summary>Completes when the writer has written everything queued before <see cref="BatchQueue.Complete"/>, or has failed.</summary>
    public Task Completion => _completion.Task;

    /// <summary>Records written to files.</summary>
    public long Written => Volatile.Read(ref _written);

    /// <summary>Records that could not be written (the file system refused them).</summary>
    public long Lost => Volatile.Read(ref _lost);

    /// <summary>Bytes written to files.</summary>
    public long BytesWritten => Volatile.Read(ref _bytesWritten);

    /// <summary>Files completed.</summary>
    public int Rotations => Volatile.Read(ref _rotations);

    /// <summary>Distinct (topic, publisher) streams written.</summary>
    public int Streams => Volatile.Read(ref _streamCount);

    private void Run()
    {
        using var formatter = new JsonRecordFormatter();
        try
        {
            while (_queue.TakeAll(_taken, NextWait()))
            {
                WriteTaken(formatter, Ready());
                _files.SyncIfDue();
                if (!_files.Dirty)
                {
                    _checkpoint.SaveIfChanged(_files.CurrentPath, _files.CurrentLength);
                }
            }

            _completion.TrySetResult();
        }
        catch (Exception ex)
        {
            // Not a full disk (that is counted below) but a bug: say so, and let the sink stop rather
            // than hang with a full queue.
            Stderr.Line($"telemetry sink: the writer failed: {ex}");
            _queue.Complete();
            _completion.TrySetException(ex);
        }
    }

    private TimeSpan NextWait()
    {
        var wait = IdleWait;
        if (_files.SyncDue is { } due)
        {
            wait = due - _time.GetUtcNow();
        }

        // The batches held back wait for their grace; the queue says when anything new comes.
        if (_taken.Count > 0)
        {
            var held = TimeSpan.FromMilliseconds(_taken[0].ArrivedMs + (long)OrderGrace.TotalMilliseconds - Environment.TickCount64);
            wait = held < wait ? held : wait;
        }

        return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
    }

    /// <summary>How many of the taken batches (oldest first) have waited their grace; all of them once the queue is completed.</summary>
    private int Ready()
    {
        if (_queue.IsCompleted)
        {
            return _taken.Count;
        }

        long cutoff = Environment.TickCount64 - (long)OrderGrace.TotalMilliseconds;
        int ready = 0;
        while (ready < _taken.Count && _taken[ready].ArrivedMs <= cutoff)
        {
            ready++;
        }

        // A publisher's round (its batches carry one send time) is written whole: its last batches
        // may have arrived a moment after the grace of its first ran out.
        while (ready > 0 && ready < _taken.Count && SameRound(_taken[ready - 1].Header, _taken[ready].Header))
        {
            ready++;
        }

        return ready;
    }

    private static bool SameRound(in BatchHeader a, in BatchHeader b) =>
        a.SentUnixNs == b.SentUnixNs && a.Session == b.Session && a.Publisher == b.Publisher;

    /// <summary>Writes the first <paramref name="count"/> taken batches, each application's log records in logged order, and releases them.</summary>
    private void WriteTaken(JsonRecordFormatter formatter, int count)
    {
        if (count == 0)
        {
            return;
        }

        _order.Plan(_taken, count, _plan);
        long records = 0;
        foreach (var unit in _plan)
        {
            var pending = _taken[unit.Batch];
            var header = pending.Header;
            if (_streams.Add((header.Topic, header.Publisher)))
            {
                Volatile.Write(ref _streamCount, _streams.Count);
            }

            ReadOnlyMemory<byte> bytes = pending.Buffer.AsMemory(0, pending.Length);
            if (unit.Skip != 0 || unit.Take != header.Count)
            {
                // A run out of the middle of a batch: its records and a header that numbers them.
                bytes = Slice(bytes, unit.Skip, unit.Take);
                header = header with { FirstSequence = header.FirstSequence + (ulong)unit.Skip, Count = unit.Take };
            }

            records += formatter.Format(new RecordBatch(header, bytes), int.MaxValue, _lines, out string? error);
            _chunk.Add(header);
            if (error is not null)
            {
                Stderr.Line(error);
            }

            if (_lines.WrittenCount >= ChunkBytes)
            {
                WriteLines(records);
                records = 0;
            }
        }

        WriteLines(records);
        _queue.Release(_taken, count);
    }

    /// <summary>Records <paramref name="skip"/> to <paramref name="skip"/> + <paramref name="take"/> of a batch the subscriber has validated.</summary>
    private static ReadOnlyMemory<byte> Slice(ReadOnlyMemory<byte> records, int skip, int take)
    {
        var reader = new MessagePack.MessagePackReader(records);
        for (int i = 0; i < skip; i++)
        {
            reader.Skip();
        }

        int start = (int)reader.Consumed;
        for (int i = 0; i < take; i++)
        {
            reader.Skip();
        }

        return records[start..(int)reader.Consumed];
    }

    private void WriteLines(long records)
    {
        if (_lines.WrittenCount == 0)
        {
            _chunk.Clear();
            return;
        }

        try
        {
            _files.Write(_lines.WrittenSpan);
            Volatile.Write(ref _written, _written + records);

            // In the checkpoint only once written: it never names a record the files lack.
            foreach (var header in _chunk)
            {
                _checkpoint.Written(header);
            }
        }
        catch (IOException ex)
        {
            // A full or failing disk: the lines are lost, counted and reported (the first time and
            // then at every power of two), and the sink goes on with the next ones.
            long lost = Interlocked.Add(ref _lost, records);
            if (System.Numerics.BitOperations.IsPow2(++_writeErrors))
            {
                Stderr.Line($"telemetry sink: {records} record(s) not written ({lost} so far, {_writeErrors} failed write(s)): {ex.Message}");
            }
        }
        finally
        {
            _chunk.Clear();
            _lines.ResetWrittenCount();
            Volatile.Write(ref _bytesWritten, _files.BytesWritten);
            Volatile.Write(ref _rotations, _files.Rotations);
        }
    }
}
