using System.Text;
using Telemetry.Internal;
using Telemetry.Wire;

namespace Telemetry.Distribution;

/// <summary>
/// A node's conflated feed (docs/wire-format.md, section 15): for peers that subscribed
/// <c>_cfl.&lt;prefix&gt;</c>, the latest record of each matching topic, sent once per interval when
/// the topic changed, on topic <c>_cfl.&lt;topic&gt;</c>. A peer on a slow link (a dashboard) gets
/// current values at a rate it can carry instead of a backlog or a hole; what it never saw was
/// replaced on purpose, and is counted here as conflated. Costs nothing while no peer asks: the
/// owner offers batches only while <see cref="Active"/>. Used on the node's thread only.
/// </summary>
internal sealed class ConflatedFeed(TimeSpan interval, int maxTopics) : IDisposable
{
    private readonly HashSet<string> _prefixes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, bool> _matches = new(StringComparer.Ordinal);
    private readonly LastValueCache _latest = new(maxTopics);
    private readonly Dictionary<string, long> _pending = new(StringComparer.Ordinal);
    private readonly List<string> _dirty = [];
    private readonly long _intervalMs = Math.Max(1, (long)interval.TotalMilliseconds);
    private readonly GrowableBuffer _batch = new(4096);
    private long _nextFlushMs;

    /// <summary>True while some peer holds a conflated subscription.</summary>
    public bool Active => _prefixes.Count > 0;

    /// <summary>True when changed topics wait for the next flush.</summary>
    public bool HasWork => _dirty.Count > 0;

    /// <summary>The interval between sends of one topic.</summary>
    public long IntervalMs => _intervalMs;

    /// <summary>Records replaced by a newer one of their topic before they were sent.</summary>
    public long Conflated { get; private set; }

    /// <summary>Latest values sent.</summary>
    public long Sent { get; private set; }

    /// <summary>A conflated subscription of <paramref name="prefix"/> (the data prefix) came or went (the XPUB passes the first subscribe and the last unsubscribe).</summary>
    public void Subscribe(bool subscribe, string prefix)
    {
        _ = subscribe ? _prefixes.Add(prefix) : _prefixes.Remove(prefix);
        _matches.Clear();
        if (!Active)
        {
            _latest.Clear();
            _pending.Clear();
            _dirty.Clear();
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
        if (EnvelopeReader.TryRead(_batch.WrittenMemory, out var envelope) != DecodeError.None || !_latest.Update(topic, _batch.WrittenSpan, envelope))
        {
            return;
        }

        var pending = _pending.GetAlternateLookup<ReadOnlySpan<char>>();
        pending.TryGetValue(topic, out long count);
        if (count == 0)
        {
            _dirty.Add(topic.ToString()); // changed for the first time since the last flush
        }

        pending[topic] = count + envelope.Count;
    }

    /// <summary>Once per interval: sends each changed topic's latest record through <paramref name="send"/> (topic frame, batch).</summary>
    public void Flush(long nowMs, Action<byte[], byte[]> send)
    {
        if (_dirty.Count == 0 || nowMs < _nextFlushMs)
        {
            return;
        }

        _nextFlushMs = nowMs + _intervalMs;
        foreach (var topic in _dirty)
        {
            long count = _pending[topic];
            _pending[topic] = 0;
            if (!Matches(topic) || _latest.LastRecord(topic, out _) is not { } batch)
            {
                continue;
            }

            var topicUtf8 = Encoding.UTF8.GetBytes(topic);
            var frame = new byte[ConflationProtocol.Prefix.Length + topicUtf8.Length];
            ConflationProtocol.WriteTopic(frame, topicUtf8);
            send(frame, batch);
            Sent++;
            Conflated += count - 1;
        }

        _dirty.Clear();
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
}
