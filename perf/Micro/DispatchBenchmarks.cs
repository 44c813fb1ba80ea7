using System.Buffers.Binary;
using System.Reflection;
using BenchmarkDotNet.Attributes;
using MessagePack;

namespace Telemetry.Perf.Micro;

/// <summary>
/// The subscriber's dispatch per record, without the socket: what its receive thread does with two
/// received frames (topic check, envelope, stream lookup and sequence check, the zero-copy
/// <see cref="BatchHandler"/> call) with a handler that decodes every tick. 1,024 records per
/// operation, in batches of <see cref="BatchSize"/>.
/// </summary>
public class DispatchBenchmarks : IDisposable
{
    private const int Records = 1024;
    private static long _sink;
    private readonly byte[] _topic = "md.PERF.T0000"u8.ToArray();
    private TelemetrySubscriber? _subscriber;
    private ProcessBatchCall? _process;
    private byte[] _body = [];
    private int _sequenceOffset;
    private ulong _nextSequence = 1;

    // The receive thread's per-message step is private to the SDK; it is called through a delegate
    // (bound once, so no reflection per call). The SDK offers no public entry without a socket.
    private delegate void ProcessBatchCall(ReadOnlySpan<byte> topicUtf8, ReadOnlyMemory<byte> body);

    [Params(1, 64, 1024)]
    public int BatchSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _subscriber = new TelemetrySubscriber(new SubscriberOptions { Bind = [$"inproc://perf-dispatch-{Guid.NewGuid():N}"], Prefixes = ["md."] });
        _subscriber.Start(static (in RecordBatch batch) =>
        {
            long sum = 0;
            foreach (var tick in batch.Records<Tick>())
            {
                sum += tick.Price;
            }

            _sink += sum;
        });
        var method = typeof(TelemetrySubscriber).GetMethod("ProcessBatch", BindingFlags.Instance | BindingFlags.NonPublic)
            ?? throw new InvalidOperationException("TelemetrySubscriber.ProcessBatch(ReadOnlySpan<byte>, ReadOnlyMemory<byte>) is gone: update DispatchBenchmarks");
        _process = method.CreateDelegate<ProcessBatchCall>(_subscriber);
        _body = EncodeBody(SampleTicks.Create(BatchSize), out _sequenceOffset);
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _subscriber?.Dispose();
        GC.SuppressFinalize(this);
    }

    [Benchmark(OperationsPerInvoke = Records)]
    public long Dispatch()
    {
        for (int i = 0; i < Records / BatchSize; i++)
        {
            // Each batch continues the stream, as a live feed does; a repeated sequence would be dropped as a duplicate.
            BinaryPrimitives.WriteUInt64BigEndian(_body.AsSpan(_sequenceOffset), _nextSequence);
            _nextSequence += (ulong)BatchSize;
            _process!(_topic, _body);
        }

        return _sink;
    }

    /// <summary>A v1 batch whose first_seq is written at full width, so it can be patched in place.</summary>
    private static byte[] EncodeBody(Tick[] ticks, out int sequenceOffset)
    {
        var buffer = new ReusableBufferWriter(1 << 20);
        var writer = new MessagePackWriter(buffer);
        writer.WriteArrayHeader(7);
        writer.Write(1);
        writer.WriteString("perf-pub"u8);
        writer.WriteUInt64(42);
        writer.Flush();
        sequenceOffset = buffer.WrittenMemory.Length + 1;
        writer.WriteUInt64(1);
        writer.Write(ticks[0].ExchangeTimeNs);
        writer.WriteString("tick"u8);
        writer.WriteArrayHeader(ticks.Length);
        foreach (var tick in ticks)
        {
            Tick.Write(ref writer, tick);
        }

        writer.Flush();
        return buffer.WrittenMemory.ToArray();
    }
}
