using System.Globalization;

namespace Telemetry.Cli.Sink;

/// <summary>
/// Appends JSON lines to <c>DIR/telemetry-&lt;UTC time&gt;-&lt;n&gt;.jsonl</c>, starting a new file when the
/// current one reaches its size or age limit. A file is flushed to the disk (fsync) before it is
/// closed, on rotation and on shutdown, so a closed file is complete on disk.
/// </summary>
internal sealed class RotatingFileWriter : IDisposable
{
    private readonly string _directory;
    private readonly long _maxBytes;
    private readonly TimeSpan _maxAge;
    private readonly TimeProvider _time;
    private FileStream? _current;
    private DateTimeOffset _openedAt;
    private int _files;

    public RotatingFileWriter(string directory, long maxBytes, TimeSpan maxAge, TimeProvider time)
    {
        _directory = directory;
        _maxBytes = maxBytes;
        _maxAge = maxAge;
        _time = time;
        Directory.CreateDirectory(directory);
    }

    /// <summary>Files finished (flushed to disk and closed) so far.</summary>
    public int Rotations { get; private set; }

    public long BytesWritten { get; private set; }

    public string? CurrentPath => _current?.Name;

    /// <summary>Appends whole lines; rotates first if the current file is full or old.</summary>
    public void Write(ReadOnlySpan<byte> lines)
    {
        if (_current is not null && (_current.Length >= _maxBytes || _time.GetUtcNow() - _openedAt >= _maxAge))
        {
            Close();
            Rotations++;
        }

        _current ??= Open();
        _current.Write(lines);
        BytesWritten += lines.Length;
    }

    /// <summary>Pushes buffered bytes to the operating system (not to the disk): cheap, called often.</summary>
    public void Flush() => _current?.Flush(flushToDisk: false);

    public void Dispose() => Close();

    private FileStream Open()
    {
        _openedAt = _time.GetUtcNow();
        string name = $"telemetry-{_openedAt.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)}-{++_files:D4}.jsonl";
        return new FileStream(Path.Combine(_directory, name), FileMode.CreateNew, FileAccess.Write, FileShare.Read, bufferSize: 1 << 16);
    }

    private void Close()
    {
        if (_current is null)
        {
            return;
        }

        _current.Flush(flushToDisk: true);
        _current.Dispose();
        _current = null;
    }
}
