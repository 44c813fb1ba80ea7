using MessagePack;
using Telemetry.Internal;
using Telemetry.Snapshots;
using Telemetry.Wire;

namespace Telemetry;

/// <summary>
/// The last record published on each topic, written by the sender as rounds go out and read by the
/// snapshot service on the same thread: a snapshot is exactly the state just before the next record
/// any subscriber receives.
/// </summary>
internal sealed class LastValues<T>(TopicRegistry topics, string publisher, ulong session) : ISnapshotSource, IDisposable
{
    private readonly byte[] _publisherUtf8 = System.Text.Encoding.UTF8.GetBytes(publisher);
    private readonly GrowableBuffer _batch = new(4096);
    private readonly RecordFormat<T> _format = RecordCodec<T>.Format;
    private T[] _values = new T[64];

    public void Remember(PublisherTopic topic, in T record)
    {
        if (topic.Index >= _values.Length)
        {
            Array.Resize(ref _values, Math.Max(_values.Length * 2, topic.Index + 1));
        }

        _values[topic.Index] = record;
    }

    /// <summary>Answers at once: one one-record batch per allowed topic that has a value.</summary>
    public int Answer(SnapshotAnswer answer)
    {
        long sentNs = UnixClock.NowNs();
        foreach (var topic in topics.All)
        {
            if (HasValue(topic) && answer.Request.Allows(topic.Name))
            {
                answer.Send(topic.Name, topic.NameUtf8, LastBatch(topic, sentNs));
            }
        }

        int count = answer.Count;
        answer.Complete();
        return count;
    }

    public IEnumerable<(string Topic, byte[] Batch)> LastRecords(string prefix)
    {
        long sentNs = UnixClock.NowNs();
        foreach (var topic in topics.All)
        {
            if (HasValue(topic) && topic.Name.StartsWith(prefix, StringComparison.Ordinal))
            {
                yield return (topic.Name, LastBatch(topic, sentNs));
            }
        }
    }

    private bool HasValue(PublisherTopic topic) => topic.LastSequence != 0 && topic.Index < _values.Length;

    private byte[] LastBatch(PublisherTopic topic, long sentNs)
    {
        _batch.Reset();
        var writer = new MessagePackWriter(_batch);
        EnvelopeWriter.WriteHeader(ref writer, _publisherUtf8, session, topic.LastSequence, sentNs, topic.KindUtf8, 1);
        _format.Write(ref writer, in _values[topic.Index]);
        writer.Flush();
        return _batch.WrittenSpan.ToArray();
    }

    /// <summary>Never called: a publisher's answers complete at once.</summary>
    public void TimedOut(SnapshotAnswer answer) => answer.Complete();

    public void Dispose() => _batch.Dispose();
}
