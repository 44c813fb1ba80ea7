using System.Text.Json;

namespace Telemetry.LedgerSubscriber;

/// <summary>
/// What a subscriber was given, per (topic, publisher, session): the delivered sequence numbers as
/// runs of consecutive numbers, and the gaps it was told about. Runs are enough to check that
/// delivered and missing records tile the sequence space without keeping every record.
/// </summary>
internal sealed class SequenceLedger
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(string Topic, string Publisher, ulong Session), Stream> _streams = [];
    private readonly List<PublisherRestartedEventArgs> _restarts = [];
    private long _records;

    public void OnBatch(in BatchHeader header)
    {
        lock (_lock)
        {
            var stream = StreamOf(header.Topic, header.Publisher, header.Session);
            ulong last = header.FirstSequence + (ulong)header.Count - 1;
            if (stream.Runs.Count > 0 && stream.Runs[^1].Last + 1 == header.FirstSequence)
            {
                stream.Runs[^1] = (stream.Runs[^1].First, last);
            }
            else
            {
                stream.Runs.Add((header.FirstSequence, last));
            }

            _records += header.Count;
        }
    }

    public void OnGap(GapEventArgs gap)
    {
        lock (_lock)
        {
            StreamOf(gap.Topic, gap.Publisher, gap.Session).Gaps.Add((gap.FirstMissing, gap.LastMissing));
        }
    }

    public void OnRestart(PublisherRestartedEventArgs restart)
    {
        lock (_lock)
        {
            _restarts.Add(restart);
        }
    }

    public string ToJson(SubscriberStats stats)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        lock (_lock)
        {
            json.WriteStartObject();
            json.WriteString("event", "ledger");
            json.WriteNumber("records", _records);
            json.WriteNumber("gaps", stats.Gaps);
            json.WriteNumber("missing", stats.MissingRecords);
            json.WriteNumber("duplicates", stats.DuplicateRecords);
            json.WriteNumber("malformed", stats.Malformed);
            json.WriteStartArray("streams");
            foreach (var ((topic, publisher, session), stream) in _streams)
            {
                json.WriteStartObject();
                json.WriteString("topic", topic);
                json.WriteString("publisher", publisher);
                json.WriteNumber("session", session);
                WriteRanges(json, "runs", stream.Runs);
                WriteRanges(json, "gaps", stream.Gaps);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartArray("restarts");
            foreach (var r in _restarts)
            {
                json.WriteStartObject();
                json.WriteString("topic", r.Topic);
                json.WriteString("publisher", r.Publisher);
                json.WriteNumber("previous", r.PreviousSession);
                json.WriteNumber("session", r.Session);
                json.WriteNumber("first", r.FirstSequence);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteRanges(Utf8JsonWriter json, string name, List<(ulong First, ulong Last)> ranges)
    {
        json.WriteStartArray(name);
        foreach (var (first, last) in ranges)
        {
            json.WriteStartArray();
            json.WriteNumberValue(first);
            json.WriteNumberValue(last);
            json.WriteEndArray();
        }

        json.WriteEndArray();
    }

    private Stream StreamOf(string topic, string publisher, ulong session)
    {
        if (!_streams.TryGetValue((topic, publisher, session), out var stream))
        {
            stream = new Stream();
            _streams.Add((topic, publisher, session), stream);
        }

        return stream;
    }

    private sealed class Stream
    {
        public List<(ulong First, ulong Last)> Runs { get; } = [];

        public List<(ulong First, ulong Last)> Gaps { get; } = [];
    }
}
