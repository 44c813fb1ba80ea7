using BenchmarkDotNet.Attributes;
using MessagePack;

namespace Telemetry.Perf.Micro;

/// <summary>One tick encoded and decoded through the public <see cref="IRecord{TSelf}"/> API (Tick.Write / Tick.Read); figures are per record.</summary>
public class TickCodecBenchmarks
{
    private const int Records = 1024;
    private readonly ReusableBufferWriter _buffer = new(Records * 64);
    private Tick[] _ticks = [];
    private ReadOnlyMemory<byte> _encoded;

    [GlobalSetup]
    public void Setup()
    {
        _ticks = SampleTicks.Create(Records);
        Encode();
        _encoded = _buffer.WrittenMemory.ToArray();
    }

    [Benchmark(OperationsPerInvoke = Records)]
    public int Encode()
    {
        _buffer.Reset();
        var writer = new MessagePackWriter(_buffer);
        foreach (ref readonly var tick in _ticks.AsSpan())
        {
            Tick.Write(ref writer, in tick);
        }

        writer.Flush();
        return _buffer.WrittenMemory.Length;
    }

    [Benchmark(OperationsPerInvoke = Records)]
    public long Decode()
    {
        var reader = new MessagePackReader(_encoded);
        long sum = 0;
        for (int i = 0; i < Records; i++)
        {
            sum += Tick.Read(ref reader).Price;
        }

        return sum;
    }
}
