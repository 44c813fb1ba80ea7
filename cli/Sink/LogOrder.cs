using MessagePack;

namespace Telemetry.Cli.Sink;

/// <summary>
/// Puts the log records of each application (publisher) back into the order they were logged,
/// across its per-level topics. A publisher batches per topic, so <c>log.app.Information</c> and
/// <c>log.app.Error</c> records logged in turn arrive as one batch of each; this merges the
/// publisher's log streams by record timestamp, a k-way merge that keeps every stream in sequence
/// order. Other kinds, and a publisher with one log stream, pass through whole and in arrival order.
/// </summary>
internal sealed class LogOrder
{
    private readonly List<int> _group = [];
    private readonly List<Stream> _streams = [];

    /// <summary>One run of records to write: <see cref="Take"/> records of batch <see cref="Batch"/> from record <see cref="Skip"/>.</summary>
    public readonly record struct Unit(int Batch, int Skip, int Take);

    /// <summary>The order in which to write the first <paramref name="count"/> of <paramref name="batches"/>.</summary>
    public void Plan(List<PendingBatch> batches, int count, List<Unit> plan)
    {
        plan.Clear();
        var emitted = new bool[count];
        for (int i = 0; i < count; i++)
        {
            if (emitted[i])
            {
                continue;
            }

            var header = batches[i].Header;
            if (header.Kind != "log")
            {
                emitted[i] = true;
                plan.Add(new Unit(i, 0, header.Count));
                continue;
            }

            // This publisher's log batches in the rest of the set go out here, merged.
            _group.Clear();
            for (int j = i; j < count; j++)
            {
                var other = batches[j].Header;
                if (!emitted[j] && other.Kind == "log" && other.Publisher == header.Publisher)
                {
                    emitted[j] = true;
                    _group.Add(j);
                }
            }

            Merge(batches, plan);
        }
    }

    private void Merge(List<PendingBatch> batches, List<Unit> plan)
    {
        _streams.Clear();
        foreach (int index in _group)
        {
            string topic = batches[index].Header.Topic;
            var stream = _streams.Find(s => s.Topic == topic);
            if (stream is null)
            {
                stream = new Stream(topic);
                _streams.Add(stream);
            }

            stream.Batches.Add(index);
        }

        if (_streams.Count == 1 || !TryReadTimestamps(batches))
        {
            // One stream is in order already; an undecodable record leaves arrival order (the
            // formatter reports it when it writes the batch).
            foreach (int index in _group)
            {
                plan.Add(new Unit(index, 0, batches[index].Header.Count));
            }

            return;
        }

        foreach (var stream in _streams)
        {
            stream.Advance(0); // past empty batches
        }

        while (true)
        {
            // The stream whose next record was logged first; ties go to the stream that arrived first.
            Stream? first = null;
            long other = long.MaxValue;
            foreach (var stream in _streams)
            {
                if (stream.Done)
                {
                    continue;
                }

                if (first is null || stream.Head < first.Head)
                {
                    if (first is not null)
                    {
                        other = Math.Min(other, first.Head);
                    }

                    first = stream;
                }
                else
                {
                    other = Math.Min(other, stream.Head);
                }
            }

            if (first is null)
            {
                return;
            }

            // Its run: the records of its current batch logged no later than any other stream's next.
            var times = first.Times[first.BatchCursor];
            int start = first.RecordCursor, end = start;
            while (end < times.Length && times[end] <= other)
            {
                end++;
            }

            plan.Add(new Unit(first.Batches[first.BatchCursor], start, end - start));
            first.Advance(end);
        }
    }

    private bool TryReadTimestamps(List<PendingBatch> batches)
    {
        try
        {
            foreach (var stream in _streams)
            {
                foreach (int index in stream.Batches)
                {
                    var pending = batches[index];
                    var times = new long[pending.Header.Count];
                    int n = 0;
                    foreach (var log in new RecordBatch(pending.Header, pending.Buffer.AsMemory(0, pending.Length)).Records<LogRecord>())
                    {
                        times[n++] = log.TimestampNs;
                    }

                    stream.Times.Add(times);
                }
            }

            return true;
        }
        catch (Exception ex) when (ex is FormatException or MessagePackSerializationException or EndOfStreamException or IndexOutOfRangeException)
        {
            return false;
        }
    }

    private sealed class Stream(string topic)
    {
        public string Topic { get; } = topic;

        public List<int> Batches { get; } = [];

        public List<long[]> Times { get; } = [];

        public int BatchCursor { get; private set; }

        public int RecordCursor { get; private set; }

        public bool Done => BatchCursor == Batches.Count;

        public long Head => Times[BatchCursor][RecordCursor];

        /// <summary>Moves past the records before <paramref name="end"/> in the current batch (and past empty batches).</summary>
        public void Advance(int end)
        {
            RecordCursor = end;
            while (!Done && RecordCursor >= Times[BatchCursor].Length)
            {
                BatchCursor++;
                RecordCursor = 0;
            }
        }
    }
}
