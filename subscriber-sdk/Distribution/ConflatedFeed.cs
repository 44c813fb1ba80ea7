using System.Text;
using Telemetry.Internal;
using Telemetry.Wire;

namespace Telemetry.Distribution;

/// <summary>
/// A node's conflated feed (docs/wire-format.md, section 15): for peers that subscribed
/// <c>_cfl.&lt;prefix&gt;</c>, the latest record of each matching topic, sent once per interval when
/// the topic changed, on topic <c>_cfl.&lt;topic&gt;</c>. A peer on a slow link (a dashboard) gets
/// current values at a rate it can carry instead of a backlog or a hole; what it never saw was
/// replaced on purpose, and is counted here as conflated. A value sent can still be lost on the way
/// (the peer's high-water mark drops it as it drops anything), and a topic that then goes quiet
/// would leave the peer on an old value for good: so every topic's latest value is also sent again
/// once per <see cref="RefreshMs"/> (at most <see cref="MaxRefreshesPerInterval"/> topics each time,
/// in turn), as stream heartbeats do for the full feed; a peer that has it drops it as a duplicate.
/// Costs nothing while no peer asks: the owner offers batches only while <see cref="Active"/>.
/// Used on the node's thread only.
/// </summary>
internal sealed class ConflatedFeed(TimeSpan interval, int maxTopics, Snapshots.ISnapshotSource source) : IDisposable
{
    private readonly HashSet<string> _prefixes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, bool> _matches = new(StringComparer.Ordinal);
    private readonly LastValueCache _latest = new(maxTopics);
    private readonly Dictionary<string, TopicState> _topics = new(StringComparer.Ordinal);
    private readonly List<string> _known = [];
    private readonly List<string> _dirty = [];
    private readonly long _intervalMs = Math.Max(1, (long)interval.TotalMilliseconds);
    private readonly GrowableBuffer _batch = new(4096);
    private long _nextFlushMs;
    private long _nextRefreshMs;
    private int _refreshCursor;

    /// <summary>How often each topic's latest value is sent again, changed or not.</summary>
    public const long RefreshMs = 1_000;

    /// <summary>The most topics refreshed per <see cref="RefreshMs"/>: 100,000 quiet topics cost 1,024 messages a second, not 100,000.</summary>
    public const int MaxRefreshesPerInterval = 1024;

    /// <summary>True while some peer holds a conflated subscription.</summary>
    public bool Active => _prefixes.Count > 0;

    /// <summary>True when changed topics wait for the next flush, or values for the next refresh.</summary>
    public bool HasWork => _known.Count > 0;

    /// <summary>The interval between sends of one topic.</summary>
    public long IntervalMs => _intervalMs;

    /// <summary>Records replaced by a newer one of their topic before they were sent.</summary>
    public long Conflated { get; private set; }

    /// <summary>Latest values sent.</summary>
    public long Sent { get; private set; }

    /// <summary>
    /// A conflated subscription of <paramref name="prefix"/> (the data prefix) came or went (the XPUB
    /// passes the first subscribe and the last unsubscribe). A new one starts from the node's last
    /// values, sent at the next flush: a peer that switched to this feed because it fell behind has
    /// the current values within one interval even if the feed has gone quiet.
    /// </summary>
    public void Subscribe(bool subscribe, string prefix)
    {
        _ = subscribe ? _prefixes.Add(prefix) : _prefixes.Remove(prefix);
        _matches.Clear();
        if (!Active)
        {
            _latest.Clear();
            _topics.Clear();
            _known.Clear();
            _dirty.Clear();
            return;
        }

        if (subscribe)
        {
            foreach (var (topic, batch) in source.LastRecords(prefix))
            {
                Keep(topic, batch, batch);
            }
        }
    }

    /// <summary>A batch the node sent: kept as its topic's latest when a conflated peer wants the topic.</summary>
    public void Offer(ReadOnlySpan<byte> topicUtf8, ReadOnlySpan<byte> header, ReadOnlySpan<byte> records)
    {
        Span<char> topic = stackalloc char[InboundValidator.MaxTopicChars];
        if (topicUtf8.Length > topic.Length)
        {
            return;
        }

        topic = topic[..Encoding.UTF8.GetChars(topicUtf8, topic)];
        var matches = _matches.GetAlternateLookup<ReadOnlySpan<char>>();
        if (!matches.TryGetValue(topic, out bool wanted))
        {
            if (_matches.Count >= maxTopics)
            {
                _matches.Clear();
            }

            wanted = Matches(topic);
            matches[topic] = wanted;
        }

        if (!wanted)
        {
            return;
        }

        _batch.Reset();
        header.CopyTo(_batch.GetSpan(header.Length + records.Length));
        records.CopyTo(_batch.GetSpan(header.Length + records.Length)[header.Length..]);
        _batch.Advance(header.Length + records.Length);
        Keep(topic, _batch.WrittenMemory, _batch.WrittenSpan);
    }

    /// <summary>Keeps a batch (both views of the same bytes) as its topic's latest and marks the topic changed.</summary>
    private void Keep(ReadOnlySpan<char> topic, ReadOnlyMemory<byte> batch, ReadOnlySpan<byte> bytes)
    {
        if (EnvelopeReader.TryRead(batch, out var envelope) != DecodeError.None || !_latest.Update(topic, bytes, envelope))
        {
            return;
        }

        var topics = _topics.GetAlternateLookup<ReadOnlySpan<char>>();
        if (!topics.TryGetValue(topic, out var state))
        {
            string name = topic.ToString();
            state = new TopicState(name);
            _topics.Add(name, state);
            _known.Add(name);
        }

        if (state.Pending == 0)
        {
            _dirty.Add(state.Name); // changed for the first time since the last flush
        }

        state.Pending += envelope.Count;
    }

    /// <summary>
    /// Once per interval, sends each changed topic's latest record through <paramref name="send"/>
    /// (topic frame, batch); once per <see cref="RefreshMs"/>, also the latest of topics not sent since.
    /// </summary>
    public void Flush(long nowMs, Action<byte[], byte[]> send)
    {
        if (_dirty.Count > 0 && nowMs >= _nextFlushMs)
        {
            _nextFlushMs = nowMs + _intervalMs;
            foreach (var topic in _dirty)
            {
                var state = _topics[topic];
                long count = state.Pending;
                state.Pending = 0;
                if (Send(state, nowMs, send))
                {
                    Conflated += count - 1;
                }
            }

            _dirty.Clear();
        }

        if (_known.Count > 0 && nowMs >= _nextRefreshMs)
        {
            _nextRefreshMs = nowMs + RefreshMs;
            for (int n = Math.Min(_known.Count, MaxRefreshesPerInterval); n > 0; n--)
            {
                _refreshCursor = (_refreshCursor + 1) % _known.Count;
                var state = _topics[_known[_refreshCursor]];
                if (nowMs - state.SentMs >= RefreshMs && state.Pending == 0 && Send(state, nowMs, send))
                {
                    Refreshed++;
                }
            }
        }
    }

    /// <summary>Latest values sent again unchanged (<see cref="RefreshMs"/>).</summary>
    public long Refreshed { get; private set; }

    private bool Send(TopicState state, long nowMs, Action<byte[], byte[]> send)
    {
        if (!Matches(state.Name) || _latest.LastRecord(state.Name, out _) is not { } batch)
        {
            return false;
        }

        var topicUtf8 = Encoding.UTF8.GetBytes(state.Name);
        var frame = new byte[ConflationProtocol.Prefix.Length + topicUtf8.Length];
        ConflationProtocol.WriteTopic(frame, topicUtf8);
        send(frame, batch);
        state.SentMs = nowMs;
        Sent++;
        return true;
    }

    private bool Matches(ReadOnlySpan<char> topic)
    {
        foreach (var prefix in _prefixes)
        {
            if (topic.StartsWith(prefix, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    public void Dispose() => _batch.Dispose();

    private sealed class TopicState(string name)
    {
        public string Name { get; } = name;

        /// <summary>Records offered since the topic was last sent.</summary>
        public long Pending { get; set; }

        public long SentMs { get; set; } = long.MinValue / 2;
    }
}
