using System.Buffers;
using MessagePack;
using Telemetry.Internal;
using Telemetry.Wire;

namespace Telemetry.Distribution;

/// <summary>
/// The last batch of each topic, kept as bytes: one copy per batch on the forwarding path (a memcpy,
/// no decoding); the last record is cut out only when it is asked for. A relay's snapshot service
/// reads it, and a node's <see cref="ConflatedFeed"/> keeps one of its own.
/// </summary>
internal sealed class LastValueCache(int maxTopics)
{
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private Dictionary<string, Entry>.AlternateLookup<ReadOnlySpan<char>> Lookup => _entries.GetAlternateLookup<ReadOnlySpan<char>>();

    public int Count => _entries.Count;

    /// <summary>Keeps <paramref name="batch"/> as the topic's last; the caller has validated both (<see cref="InboundValidator"/>).</summary>
    /// <returns>False when the topic is not kept (a heartbeat, or the cache is full of other topics).</returns>
    public bool Update(ReadOnlySpan<char> topic, ReadOnlySpan<byte> batch, in Envelope envelope)
    {
        if (envelope.Count == 0)
        {
            return false;
        }

        if (!Lookup.TryGetValue(topic, out var entry))
        {
            if (_entries.Count >= maxTopics)
            {
                return false;
            }

            entry = new Entry();
            _entries.Add(topic.ToString(), entry);
        }

        if (entry.Bytes.Length < batch.Length)
        {
            entry.Bytes = new byte[Math.Max(batch.Length, entry.Bytes.Length * 2)];
        }

        batch.CopyTo(entry.Bytes);
        entry.Length = batch.Length;
        entry.Envelope = envelope;
        return true;
    }

    /// <summary>The topic's last record as a one-record batch, and that record's sequence number; null when the topic is not kept.</summary>
    public byte[]? LastRecord(string topic, out ulong sequence)
    {
        sequence = 0;
        if (!_entries.TryGetValue(topic, out var entry))
        {
            return null;
        }

        sequence = entry.Envelope.FirstSequence + (ulong)entry.Envelope.Count - 1;
        return TryCutLast(entry);
    }

    /// <summary>Forgets every topic.</summary>
    public void Clear() => _entries.Clear();

    /// <summary>The topics under <paramref name="prefix"/> with their last record as a one-record batch.</summary>
    public IEnumerable<(string Topic, byte[] Batch)> LastRecords(string prefix)
    {
        foreach (var (topic, entry) in _entries)
        {
            if (topic.StartsWith(prefix, StringComparison.Ordinal) && TryCutLast(entry) is { } batch)
            {
                yield return (topic, batch);
            }
        }
    }

    /// <summary>The topics under <paramref name="prefixes"/> with their last record as a one-record batch.</summary>
    public IEnumerable<(string Topic, byte[] Batch)> LastRecords(List<string> prefixes, Snapshots.SnapshotAnswer except)
    {
        foreach (var (topic, entry) in _entries)
        {
            if (!except.Holds(topic) && SnapshotProtocol.Matches(topic, prefixes) && TryCutLast(entry) is { } batch)
            {
                yield return (topic, batch);
            }
        }
    }

    private static byte[]? TryCutLast(Entry entry)
    {
        var env = entry.Envelope;
        var bytes = entry.Bytes.AsMemory(0, entry.Length);
        try
        {
            var reader = new MessagePackReader(bytes[env.RecordsOffset..]);
            for (int i = 0; i < env.Count - 1; i++)
            {
                Wire.BoundedSkip.Skip(ref reader);
            }

            var last = Wire.BoundedSkip.ReadRaw(ref reader);
            var buffer = new ArrayBufferWriter<byte>(256);
            var writer = new MessagePackWriter(buffer);
            var span = bytes.Span;
            EnvelopeWriter.WriteHeader(ref writer, span[env.Publisher], env.Session, env.FirstSequence + (ulong)env.Count - 1, UnixClock.NowNs(), span[env.Kind], 1);
            writer.WriteRaw(last);
            writer.Flush();
            return buffer.WrittenSpan.ToArray();
        }
        catch (Exception ex) when (ex is MessagePackSerializationException or EndOfStreamException)
        {
            return null; // a malformed record inside a well-formed envelope: no snapshot for it
        }
    }

    private sealed class Entry
    {
        public byte[] Bytes { get; set; } = [];

        public int Length { get; set; }

        public Envelope Envelope { get; set; }
    }
}
