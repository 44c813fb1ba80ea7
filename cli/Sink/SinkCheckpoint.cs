using System.Text.Json;

namespace Telemetry.Cli.Sink;

/// <summary>
/// Per stream, the last sequence number the sink has on disk, saved in <c>checkpoint.json</c> next
/// to the files, with the file and length the data had then: written to a temporary file, fsynced,
/// then renamed over the old one, and only right after the data files were fsynced, so it never
/// claims a record the disk does not hold. A restarted sink reads it, then reads the lines written
/// after that point (at most one fsync interval's worth, which a SIGKILL leaves in the files), so
/// its positions are exact, and resumes each stream from there
/// (<see cref="SubscriberOptions.ResumeFrom"/>), asking the publishers' windows for what it missed:
/// nothing is lost within the windows and nothing is written twice. Used on the writer thread (and
/// at start and stop, when that thread is not running).
/// </summary>
internal sealed class SinkCheckpoint
{
    public const string FileName = "checkpoint.json";

    private readonly string _path;
    private readonly Dictionary<(string Topic, string Publisher), Position> _positions = [];
    private bool _changed;

    private SinkCheckpoint(string directory) => _path = Path.Combine(directory, FileName);

    /// <summary>The streams of the last checkpoint, for <see cref="SubscriberOptions.ResumeFrom"/>.</summary>
    public IReadOnlyList<StreamPosition> Resume => [.. _positions.Select(p => new StreamPosition(p.Key.Topic, p.Key.Publisher, p.Value.Session, p.Value.Last))];

    /// <summary>Reads the directory's checkpoint; an unreadable one is reported in <paramref name="problem"/> and ignored (every stream starts afresh).</summary>
    public static SinkCheckpoint Load(string directory, out string? problem)
    {
        var checkpoint = new SinkCheckpoint(directory);
        problem = null;
        if (!File.Exists(checkpoint._path))
        {
            return checkpoint;
        }

        try
        {
            var saved = JsonSerializer.Deserialize<Saved>(File.ReadAllBytes(checkpoint._path));
            foreach (var entry in saved?.Streams ?? [])
            {
                if (entry is { Topic: not null, Publisher: not null })
                {
                    checkpoint._positions[(entry.Topic, entry.Publisher)] = new Position(entry.Session, entry.Last);
                }
            }

            if (saved?.File is { } file)
            {
                checkpoint.CatchUp(directory, file, saved.Length);
            }

            checkpoint._changed = false;
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException)
        {
            problem = $"{checkpoint._path} could not be read ({ex.Message}); every stream starts afresh";
            checkpoint._positions.Clear();
        }

        return checkpoint;
    }

    /// <summary>A batch's records were written (not yet synced).</summary>
    public void Written(in BatchHeader header)
    {
        if (header.Count == 0)
        {
            return;
        }

        ulong last = header.FirstSequence + (ulong)header.Count - 1;
        var key = (header.Topic, header.Publisher);
        if (!_positions.TryGetValue(key, out var known) || known.Session != header.Session || known.Last < last)
        {
            _positions[key] = new Position(header.Session, last);
            _changed = true;
        }
    }

    /// <summary>Saves the positions if they changed; call only when everything written is on the disk.</summary>
    /// <param name="currentFile">The data file being written, null when none is open.</param>
    /// <param name="currentLength">Its length now.</param>
    public void SaveIfChanged(string? currentFile, long currentLength)
    {
        if (_changed)
        {
            Save(currentFile, currentLength);
        }
    }

    /// <summary>Saves the positions with the data file and length they reach to.</summary>
    public void Save(string? currentFile, long currentLength)
    {
        string temporary = _path + ".tmp";
        var entries = _positions.Select(p => new Entry(p.Key.Topic, p.Key.Publisher, p.Value.Session, p.Value.Last)).ToList();
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            JsonSerializer.Serialize(file, new Saved(entries, currentFile is null ? null : Path.GetFileName(currentFile), currentLength));
            file.Flush(flushToDisk: true);
        }

        File.Move(temporary, _path, overwrite: true);
        _changed = false;
    }

    /// <summary>Reads the lines written after the checkpoint: the rest of its file from its length on, and every later file.</summary>
    private void CatchUp(string directory, string fileName, long length)
    {
        var files = Directory.GetFiles(directory, "*.jsonl").Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)
            .SkipWhile(f => !string.Equals(f, fileName, StringComparison.Ordinal)).ToList();
        foreach (var file in files)
        {
            using var stream = new FileStream(Path.Combine(directory, file), FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            stream.Position = file == fileName ? Math.Min(length, stream.Length) : 0;
            using var reader = new StreamReader(stream);
            while (reader.ReadLine() is { } line)
            {
                if (reader.EndOfStream && !line.EndsWith('}'))
                {
                    break; // a line cut by the kill: not written
                }

                ReadLine(line);
            }
        }
    }

    private void ReadLine(string line)
    {
        try
        {
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            if (root.TryGetProperty("topic", out var topic) && root.TryGetProperty("publisher", out var publisher)
                && root.TryGetProperty("session", out var session) && root.TryGetProperty("seq", out var seq))
            {
                Written(new BatchHeader(topic.GetString()!, publisher.GetString()!, session.GetUInt64(), seq.GetUInt64(), 0, string.Empty, 1));
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            // Padding or a line this sink did not write: it names no record.
        }
    }

    private readonly record struct Position(ulong Session, ulong Last);

    private sealed record Saved(List<Entry> Streams, string? File, long Length);

    private sealed record Entry(string Topic, string Publisher, ulong Session, ulong Last);
}
