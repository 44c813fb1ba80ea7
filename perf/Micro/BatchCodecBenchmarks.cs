using BenchmarkDotNet.Attributes;
using MessagePack;
using Telemetry.Wire;

namespace Telemetry.Perf.Micro;

/// <summary>
/// The batch path at several batch sizes, per record (1,024 records per operation, in batches of
/// <see cref="BatchSize"/>): the envelope the publisher writes around the records, and the
/// subscriber's envelope check plus <c>RecordBatch.Records&lt;Tick&gt;()</c>. Shows what batching
/// buys: the envelope's cost is spread over the batch.
/// </summary>
public class BatchCodecBenchmarks
{
    private const int Records = 1024;
    private static readonly byte[] PublisherUtf8 = "perf-pub"u8.ToArray();
    private static readonly byte[] KindUtf8 = "tick"u8.ToArray();
    private readonly ReusableBufferWriter _buffer = new(1 << 20);
    private Tick[] _ticks = [];
    private ReadOnlyMemory<byte> _encoded;

    [Params(1, 16, 256, 1024)]
    public int BatchSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _ticks = SampleTicks.Create(BatchSize);
        EncodeBatch();
        _encoded = _buffer.WrittenMemory.ToArray();
    }

    [Benchmark(OperationsPerInvoke = Records)]
    public int EncodeBatches()
    {
        int bytes = 0;
        for (int i = 0; i < Records / BatchSize; i++)
        {
            bytes += EncodeBatch();
        }

        return bytes;
    }

    [Benchmark(OperationsPerInvoke = Records)]
    public long DecodeBatches()
    {
        long sum = 0;
        for (int i = 0; i < Records / BatchSize; i++)
        {
            sum += DecodeBatch();
        }

        return sum;
    }

    private int EncodeBatch()
    {
        _buffer.Reset();
        var writer = new MessagePackWriter(_buffer);
        EnvelopeWriter.WriteHeader(ref writer, PublisherUtf8, 42, 1, _ticks[0].ExchangeTimeNs, KindUtf8, _ticks.Length);
        foreach (ref readonly var tick in _ticks.AsSpan())
        {
            Tick.Write(ref writer, in tick);
        }

        writer.Flush();
        return _buffer.WrittenMemory.Length;
    }

    private long DecodeBatch()
    {
        if (EnvelopeReader.TryRead(_encoded, out var envelope) != DecodeError.None)
        {
            throw new InvalidOperationException("benchmark batch does not parse");
        }

        var header = new BatchHeader("md.PERF.T0000", "perf-pub", envelope.Session, envelope.FirstSequence, envelope.SentUnixNs, "tick", envelope.Count);
        var batch = new RecordBatch(header, _encoded[envelope.RecordsOffset..]);
        long sum = 0;
        foreach (var tick in batch.Records<Tick>())
        {
            sum += tick.Price;
        }

        return sum;
    }
}
