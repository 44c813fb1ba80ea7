using System.Text;

namespace Telemetry.Subscribing;

/// <summary>
/// Per (topic, publisher) stream state: the session and the next expected sequence number. Decides
/// for each batch whether it continues the stream, follows a gap, starts a new session, or repeats
/// records already seen. Bounded: streams beyond <see cref="MaxStreams"/> are not tracked.
/// </summary>
internal sealed class StreamTracker
{
    private readonly Dictionary<string, TopicStreams> _topics = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TopicStreams>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private int _streams;

    private readonly Dictionary<(string Topic, string Publisher), StreamPosition> _resume;

    public StreamTracker(int maxStreams, IReadOnlyList<StreamPosition>? resumeFrom = null)
    {
        MaxStreams = maxStreams;
        _lookup = _topics.GetAlternateLookup<ReadOnlySpan<char>>();
        _resume = (resumeFrom ?? []).GroupBy(p => (p.Topic, p.Publisher)).ToDictionary(g => g.Key, g => g.Last());
    }

    public int MaxStreams { get; }

    public int StreamCount => _streams;

    /// <summary>True once a stream could not be tracked because of the bound.</summary>
    public bool LimitReached { get; private set; }

    /// <summary>Finds or creates the stream of <paramref name="publisher"/> on <paramref name="topic"/>; null when over the bound.</summary>
    public Stream? Find(ReadOnlySpan<char> topic, ReadOnlySpan<byte> publisher)
    {
        if (!_lookup.TryGetValue(topic, out var streams))
        {
            if (_streams >= MaxStreams)
            {
                LimitReached = true;
                return null;
            }

            streams = new TopicStreams(topic.ToString());
            _topics.Add(streams.Topic, streams);
        }

        foreach (var stream in streams.Streams)
        {
            if (publisher.SequenceEqual(stream.PublisherUtf8))
            {
                return stream;
            }
        }

        if (_streams >= MaxStreams)
        {
            LimitReached = true;
            return null;
        }

        var created = new Stream(streams.Topic, publisher.ToArray());
        if (_resume.Count > 0 && _resume.Remove((created.Topic, created.Publisher), out var position) && position.LastSequence < ulong.MaxValue)
        {
            // Where an earlier run stopped: the first batch continues from there (or is a restart).
            created.Session = position.Session;
            created.NextSequence = position.LastSequence + 1;
        }

        streams.Streams.Add(created);
        _streams++;
        return created;
    }

    /// <summary>Forgets every stream whose topic no longer matches a subscribed prefix, so re-subscribing later is not a gap.</summary>
    public void Forget(Func<string, bool> stillSubscribed)
    {
        foreach (var topic in _topics.Keys.Where(t => !stillSubscribed(t)).ToList())
        {
            foreach (var stream in _topics[topic].Streams)
            {
                stream.Forgotten = true;
            }

            _streams -= _topics[topic].Streams.Count;
            _topics.Remove(topic);
        }

        LimitReached = _streams >= MaxStreams && LimitReached;
    }

    /// <summary>Applies one batch to its stream and says what it means.</summary>
    /// <param name="stream">The stream, from <see cref="Find"/>.</param>
    /// <param name="session">The batch's session.</param>
    /// <param name="first">The batch's first sequence number.</param>
    /// <param name="count">Records in the batch.</param>
    /// <param name="skip">Records at the start of the batch already delivered.</param>
    /// <param name="previous">The expected sequence (gap) or old session (restart).</param>
    public static SequenceVerdict Apply(Stream stream, ulong session, ulong first, int count, out int skip, out ulong previous)
    {
        skip = 0;
        previous = 0;
        ulong end = first + (ulong)count;
        if (stream.NextSequence == 0)
        {
            stream.Session = session;
            stream.NextSequence = end;
            return SequenceVerdict.InOrder;
        }

        if (session != stream.Session)
        {
            previous = stream.Session;
            stream.Session = session;
            stream.NextSequence = end;
            return SequenceVerdict.Restart;
        }

        ulong expected = stream.NextSequence;
        if (first == expected)
        {
            stream.NextSequence = end;
            return SequenceVerdict.InOrder;
        }

        if (first > expected)
        {
            previous = expected;
            stream.NextSequence = end;
            return SequenceVerdict.Gap;
        }

        if (end <= expected)
        {
            return SequenceVerdict.Duplicate;
        }

        skip = (int)(expected - first);
        stream.NextSequence = end;
        return SequenceVerdict.Overlap;
    }

    /// <summary>One publisher's stream on one topic.</summary>
    internal sealed class Stream(string topic, byte[] publisherUtf8)
    {
        public string Topic { get; } = topic;

        public byte[] PublisherUtf8 { get; } = publisherUtf8;

        public string Publisher { get; } = Encoding.UTF8.GetString(publisherUtf8);

        public ulong Session { get; set; }

        /// <summary>Next expected sequence number; 0 until the first batch.</summary>
        public ulong NextSequence { get; set; }

        public byte[] KindUtf8 { get; set; } = [];

        public string Kind { get; set; } = string.Empty;

        /// <summary>Holes and held records while some of the stream is missing; null when none is.</summary>
        public StreamRecovery? Recovery { get; set; }

        /// <summary>A lost tail waiting for the topic's current value from the snapshot service: first..end (exclusive); end 0 when none.</summary>
        public ulong ResyncFrom { get; set; }

        public ulong ResyncEnd { get; set; }

        /// <summary>Set when the tracker forgets the stream: answers still on their way for it are late.</summary>
        public bool Forgotten { get; set; }
    }

    private sealed class TopicStreams(string topic)
    {
        public string Topic { get; } = topic;

        public List<Stream> Streams { get; } = new(1);
    }
}
