using System.Buffers;

namespace Telemetry.Cli.Output;

/// <summary>
/// Standard output behind a byte buffer: a pipe gets large writes instead of one system call per
/// record, while a timer flushes whatever is pending so a person watching a quiet stream still sees
/// each record within about 100 ms.
/// </summary>
internal sealed class BufferedStdout : IDisposable
{
    // Above this the writer flushes at once; a slow reader then slows the receive thread, and the
    // publisher's high-water mark turns that into reported gaps instead of unbounded memory.
    private const int FlushThreshold = 64 * 1024;

    private readonly Stream _stdout;
    private readonly ArrayBufferWriter<byte> _buffer = new(FlushThreshold * 2);
    private readonly Lock _gate = new();
    private readonly Timer _timer;
    private readonly Action _onBroken;
    private bool _broken;

    /// <summary>Wraps <paramref name="stdout"/>; <paramref name="onBroken"/> runs once if the reader goes away (e.g. <c>| head</c>).</summary>
    public BufferedStdout(Stream stdout, TimeSpan flushInterval, Action onBroken)
    {
        _stdout = stdout;
        _onBroken = onBroken;
        _timer = new Timer(_ => Flush(), null, flushInterval, flushInterval);
    }

    /// <summary>True once writing failed because nobody reads standard output any more.</summary>
    public bool IsBroken
    {
        get
        {
            lock (_gate)
            {
                return _broken;
            }
        }
    }

    /// <summary>
    /// Takes the lock and hands out the buffer until the returned scope is disposed; a ref struct, so a
    /// batch can be formatted straight into the buffer without a closure per batch.
    /// </summary>
    public WriteScope BeginWrite()
    {
        _gate.Enter();
        return new WriteScope(this);
    }

    /// <summary>Writes out everything buffered.</summary>
    public void Flush()
    {
        lock (_gate)
        {
            FlushLocked();
        }
    }

    /// <summary>Stops the timer and flushes what is left.</summary>
    public void Dispose()
    {
        _timer.Dispose();
        Flush();
    }

    internal ArrayBufferWriter<byte> Buffer => _buffer;

    internal void EndWrite()
    {
        try
        {
            if (_buffer.WrittenCount >= FlushThreshold)
            {
                FlushLocked();
            }
        }
        finally
        {
            _gate.Exit();
        }
    }

    private void FlushLocked()
    {
        if (_buffer.WrittenCount == 0)
        {
            return;
        }

        if (_broken)
        {
            _buffer.ResetWrittenCount();
            return;
        }

        try
        {
            _stdout.Write(_buffer.WrittenSpan);
            _stdout.Flush();
        }
        catch (IOException)
        {
            _broken = true;
            _onBroken();
        }
        finally
        {
            _buffer.ResetWrittenCount();
        }
    }
}

/// <summary>Holds the output lock while a batch is written; dispose to release (and flush a large buffer).</summary>
internal readonly ref struct WriteScope
{
    private readonly BufferedStdout _owner;

    internal WriteScope(BufferedStdout owner) => _owner = owner;

    /// <summary>Where to write.</summary>
    public IBufferWriter<byte> Writer => _owner.Buffer;

    /// <summary>Releases the lock.</summary>
    public void Dispose() => _owner.EndWrite();
}
