using MessagePack;

namespace Telemetry;

/// <summary>
/// A received batch, valid only during the <see cref="BatchHandler"/> call: its bytes belong to the
/// ZeroMQ frame, which is reused afterwards. Records are decoded as you enumerate them.
/// </summary>
public readonly ref struct RecordBatch
{
    private readonly ReadOnlyMemory<byte> _records;

    /// <summary>A batch over records kept elsewhere, e.g. a received batch's bytes stored for later (the sink's writer does this).</summary>
    /// <param name="header">Its envelope.</param>
    /// <param name="records">Its records as consecutive MessagePack values, <see cref="BatchHeader.Count"/> of them.</param>
    public RecordBatch(in BatchHeader header, ReadOnlyMemory<byte> records)
    {
        Header = header;
        _records = records;
    }

    /// <summary>Topic, publisher, session, first sequence, send time, kind and count.</summary>
    public BatchHeader Header { get; }

    /// <summary>The records as consecutive MessagePack values (<see cref="BatchHeader.Count"/> of them).</summary>
    public ReadOnlySpan<byte> RecordBytes => _records.Span;

    /// <summary>Decodes the records as <typeparamref name="T"/> while enumerating; no allocation for struct records.</summary>
    /// <exception cref="FormatException">A record is malformed (raised during enumeration). Let it propagate: the subscriber counts the batch as malformed and goes on.</exception>
    public RecordEnumerator<T> Records<T>() => new(_records, Header.Count);
}

/// <summary>Enumerates and decodes the records of a <see cref="RecordBatch"/>.</summary>
/// <typeparam name="T">The record type.</typeparam>
public ref struct RecordEnumerator<T>
{
    private readonly RecordFormat<T> _format = RecordCodec<T>.Format;
    private readonly ReadOnlyMemory<byte> _records;
    private int _offset;
    private int _remaining;

    internal RecordEnumerator(ReadOnlyMemory<byte> records, int count)
    {
        _records = records;
        _remaining = count;
        Current = default!;
    }

    /// <summary>The record decoded by the last <see cref="MoveNext"/>.</summary>
    public T Current { get; private set; }

    /// <summary>Returns this enumerator, so a batch's records work in <c>foreach</c>.</summary>
    public readonly RecordEnumerator<T> GetEnumerator() => this;

    /// <summary>Decodes the next record.</summary>
    public bool MoveNext()
    {
        if (_remaining == 0)
        {
            return false;
        }

        _remaining--;

        // The type's fast path first (a tick is read straight from the span); anything it does not
        // expect goes through the codec below.
        if (_format.TryRead(_records.Span, ref _offset, out var fast))
        {
            Current = fast;
            return true;
        }

        try
        {
            var reader = new MessagePackReader(_records[_offset..]);
            Current = _format.Read(ref reader);
            _offset += (int)reader.Consumed;
        }
        catch (Exception ex) when (ex is MessagePackSerializationException or EndOfStreamException or OverflowException)
        {
            throw new RecordDecodeException(_format.Kind, ex);
        }

        return true;
    }
}

/// <summary>Receives each batch on the subscriber's receive thread. Keep it short: the next batch waits.</summary>
/// <param name="batch">The batch; do not keep it (or spans of it) after returning.</param>
public delegate void BatchHandler(in RecordBatch batch);
