namespace Telemetry.Dashboard.Feed;

/// <summary>
/// The last log records received, in a ring. Logs are never conflated: every record is pushed, but a
/// page that cannot keep up gets at most <see cref="MaxPerPush"/> per push and the rest is counted as skipped.
/// </summary>
internal sealed class LogTail(int capacity)
{
    public const int MaxPerPush = 500;

    private readonly LogEntry?[] _ring = new LogEntry?[capacity];
    private readonly Lock _sync = new();
    private long _nextId = 1;

    public long Received => Interlocked.Read(ref _nextId) - 1;

    /// <summary>Receive thread.</summary>
    public void Add(string topic, string publisher, LogRecord record)
    {
        string application = ApplicationOf(topic) ?? publisher;
        lock (_sync)
        {
            long id = _nextId;
            _ring[id % _ring.Length] = new LogEntry(id, application, record);
            Interlocked.Increment(ref _nextId);
        }
    }

    /// <summary>Entries with an id above <paramref name="afterId"/>, oldest first, at most <paramref name="max"/> (the newest ones).</summary>
    public List<LogEntry> After(long afterId, int max = MaxPerPush)
    {
        var result = new List<LogEntry>();
        lock (_sync)
        {
            long last = _nextId - 1;
            long from = Math.Max(Math.Max(afterId + 1, last - _ring.Length + 1), last - max + 1);
            for (long id = Math.Max(from, 1); id <= last; id++)
            {
                if (_ring[id % _ring.Length] is { } entry)
                {
                    result.Add(entry);
                }
            }
        }

        return result;
    }

    private static string? ApplicationOf(string topic)
    {
        // log.<application>.<Level>: the application is everything between the first and the last dot.
        int first = topic.IndexOf('.', StringComparison.Ordinal);
        int last = topic.LastIndexOf('.');
        return first >= 0 && last > first + 1 ? topic[(first + 1)..last] : null;
    }
}
