using System.Buffers;
using Telemetry.Cli.Output;
using Telemetry.Cli.Terminal;

namespace Telemetry.Cli.Sink;

/// <summary>
/// The sink's writer thread: takes batches from the <see cref="BatchQueue"/>, formats them as JSON
/// lines and hands them to the <see cref="RotatingFileWriter"/> in chunks of whole lines, as soon as
/// they are formatted. Owns the formatter, the line buffer and the written-record counters.
/// </summary>
internal sealed class SinkWriter
{
    // Lines handed to the OS per write call: about this much (one batch's lines are never split).
    private const int ChunkBytes = 64 << 10;
    private static readonly TimeSpan IdleWait = TimeSpan.FromSeconds(1);

    private readonly BatchQueue _queue;
    private readonly RotatingFileWriter _files;
    private readonly SinkCheckpoint _checkpoint;
    private readonly TimeProvider _time;
    private readonly ArrayBufferWriter<byte> _lines = new(ChunkBytes + (ChunkBytes / 4));
    private readonly List<PendingBatch> _taken = [];
    private readonly List<BatchHeader> _chunk = [];
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
                WriteTaken(formatter);
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
        if (_files.SyncDue is not { } due)
        {
            return IdleWait;
        }

        var wait = due - _time.GetUtcNow();
        return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
    }

    private void WriteTaken(JsonRecordFormatter formatter)
    {
        int formatted = 0;
        long records = 0;
        while (formatted < _taken.Count)
        {
            var pending = _taken[formatted++];
            if (_streams.Add((pending.Header.Topic, pending.Header.Publisher)))
            {
                Volatile.Write(ref _streamCount, _streams.Count);
            }

            var header = pending.Header;
            records += formatter.Format(new RecordBatch(header, pending.Buffer.AsMemory(0, pending.Length)), int.MaxValue, _lines, out string? error);
            _chunk.Add(header);
            if (error is not null)
            {
                Stderr.Line(error);
            }

            if (_lines.WrittenCount >= ChunkBytes || formatted == _taken.Count)
            {
                WriteLines(records);
                records = 0;

                // Give the receive thread room as the work gets done, not only at the end of a long take.
                _queue.Release(_taken, formatted);
                formatted = 0;
            }
        }
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
