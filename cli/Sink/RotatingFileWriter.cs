using System.Globalization;
using Microsoft.Win32.SafeHandles;

namespace Telemetry.Cli.Sink;

/// <summary>
/// Appends JSON lines to <c>DIR/telemetry-&lt;UTC time&gt;-&lt;n&gt;.jsonl</c>, starting a new file when the
/// current one reaches its size or age limit. Nothing is buffered here: every <see cref="Write"/>
/// hands whole lines to the operating system in one call (a buffered stream spills at its own
/// boundaries, mid-line, which is what a killed sink used to leave behind). Written data reaches
/// the disk (fsync) by <see cref="SyncIfDue"/>, and always before a file is closed, on rotation and
/// on shutdown.
/// </summary>
/// <remarks>
/// Whole-line calls are not enough on their own: Linux copies a write into the page cache one page
/// at a time and, when the process is being killed, stops between two pages (generic_perform_write
/// checks for a fatal signal before each), so SIGKILL can cut a write at a page boundary of the
/// file. Measured: about one kill in fifty, while records streamed in, left half a line. So lines
/// are laid out to end at page boundaries: a line that would cross one starts on the next page, and
/// the gap is JSON whitespace, trailing spaces on the line before it. When that line was written
/// by an earlier call, the gap is leading spaces on the moved line instead, and a cut there leaves
/// only spaces after the last line. A line longer than a page crosses boundaries anyway and can
/// still be cut. It costs about half a line per page (2 to 4% of the file for log lines).
/// </remarks>
internal sealed class RotatingFileWriter : IDisposable
{
    private const int PageBytes = 4096;

    private readonly string _directory;
    private readonly long _maxBytes;
    private readonly TimeSpan _maxAge;
    private readonly TimeSpan _syncInterval;
    private readonly TimeProvider _time;
    private SafeFileHandle? _current;
    private DateTimeOffset _openedAt;
    private DateTimeOffset _dirtySince;
    private long _length;
    private bool _dirty;
    private int _sequence;
    private byte[] _laidOut = new byte[80 << 10];

    /// <param name="directory">Created if missing.</param>
    /// <param name="maxBytes">A file reaching this size is closed and a new one started.</param>
    /// <param name="maxAge">A file this old is closed at the next write.</param>
    /// <param name="syncInterval">How long written lines may stay in the OS's cache before an fsync; zero syncs after every write.</param>
    /// <param name="time">The clock for file names, ages and the sync schedule.</param>
    public RotatingFileWriter(string directory, long maxBytes, TimeSpan maxAge, TimeSpan syncInterval, TimeProvider time)
    {
        _directory = directory;
        _maxBytes = maxBytes;
        _maxAge = maxAge;
        _syncInterval = syncInterval;
        _time = time;
        Directory.CreateDirectory(directory);
    }

    /// <summary>Files finished (flushed to disk and closed) so far.</summary>
    public int Rotations { get; private set; }

    /// <summary>Bytes written to files so far.</summary>
    public long BytesWritten { get; private set; }

    /// <summary>The file being written, if one is open.</summary>
    public string? CurrentPath { get; private set; }

    /// <summary>Called with a new file's path once it is open and before anything is written to it (every earlier file is closed and synced).</summary>
    public Action<string>? Opened { get; set; }

    /// <summary>Bytes of the current file so far.</summary>
    public long CurrentLength => _length;

    /// <summary>True while lines written are not yet on the disk (no fsync since).</summary>
    public bool Dirty => _dirty;

    /// <summary>When the lines written since the last fsync are due on disk; null when there are none.</summary>
    public DateTimeOffset? SyncDue => _dirty ? _dirtySince + _syncInterval : null;

    /// <summary>
    /// Appends <paramref name="lines"/>, which must be whole lines, in one call to the operating
    /// system; rotates first if the current file is full or old. If the write fails (a full disk),
    /// the file is cut back to its last whole line and the exception propagates.
    /// </summary>
    public void Write(ReadOnlySpan<byte> lines)
    {
        if (_current is not null && (_length >= _maxBytes || _time.GetUtcNow() - _openedAt >= _maxAge))
        {
            Close();
            Rotations++;
        }

        if (_current is null)
        {
            _current = Open();
            Opened?.Invoke(CurrentPath!);
        }

        var laidOut = LayOut(lines, _length);
        try
        {
            RandomAccess.Write(_current, laidOut, _length);
        }
        catch (IOException)
        {
            // Part of the lines may have landed: cut them off, so the file still ends at a line end.
            TryTruncate(_current, _length);
            throw;
        }

        _length += laidOut.Length;
        BytesWritten += laidOut.Length;
        if (!_dirty)
        {
            _dirty = true;
            _dirtySince = _time.GetUtcNow();
        }

        SyncIfDue();
    }

    /// <summary>Flushes the current file to disk if lines written to it have waited the sync interval.</summary>
    public void SyncIfDue()
    {
        if (_current is not null && _dirty && _time.GetUtcNow() >= _dirtySince + _syncInterval)
        {
            RandomAccess.FlushToDisk(_current);
            _dirty = false;
        }
    }

    public void Dispose() => Close();

    /// <summary>Copies <paramref name="lines"/>, to be written at <paramref name="offset"/>, with the padding that keeps lines off page boundaries.</summary>
    private ReadOnlySpan<byte> LayOut(ReadOnlySpan<byte> lines, long offset)
    {
        int count = 0;
        long position = offset;
        while (!lines.IsEmpty)
        {
            int length = lines.IndexOf((byte)'\n') + 1;
            length = length == 0 ? lines.Length : length;
            int room = PageBytes - (int)(position % PageBytes);
            if (length > room && length <= PageBytes)
            {
                Reserve(count + room + length);
                if (count > 0)
                {
                    // Trailing spaces: the line before now ends with the page.
                    _laidOut.AsSpan(count - 1, room).Fill((byte)' ');
                    _laidOut[count + room - 1] = (byte)'\n';
                }
                else
                {
                    _laidOut.AsSpan(0, room).Fill((byte)' ');
                }

                count += room;
                position += room;
            }

            Reserve(count + length);
            lines[..length].CopyTo(_laidOut.AsSpan(count));
            count += length;
            position += length;
            lines = lines[length..];
        }

        return _laidOut.AsSpan(0, count);
    }

    private void Reserve(int bytes)
    {
        if (bytes > _laidOut.Length)
        {
            Array.Resize(ref _laidOut, Math.Max(bytes, _laidOut.Length * 2));
        }
    }

    private static void TryTruncate(SafeFileHandle file, long length)
    {
        try
        {
            RandomAccess.SetLength(file, length);
        }
        catch (IOException)
        {
            // The disk refuses even that; the next successful write starts at the same offset and
            // overwrites whatever partial line is there.
        }
    }

    private SafeFileHandle Open()
    {
        _openedAt = _time.GetUtcNow();
        string stamp = _openedAt.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);

        // The number makes names unique within a second, also across restarts: a sink started again
        // in the same second as the last one skips the names that one used, and never touches its files.
        while (true)
        {
            string path = Path.Combine(_directory, $"telemetry-{stamp}-{++_sequence:D4}.jsonl");
            if (File.Exists(path))
            {
                continue;
            }

            try
            {
                var handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read);
                CurrentPath = path;
                _length = 0;
                return handle;
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another sink in the same directory took this name between the check and the create.
            }
        }
    }

    private void Close()
    {
        if (_current is null)
        {
            return;
        }

        if (_dirty)
        {
            RandomAccess.FlushToDisk(_current);
            _dirty = false;
        }

        _current.Dispose();
        _current = null;
        CurrentPath = null;
    }
}
