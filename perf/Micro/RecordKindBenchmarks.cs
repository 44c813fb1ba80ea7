using BenchmarkDotNet.Attributes;
using MessagePack;

namespace Telemetry.Perf.Micro;

/// <summary>
/// Per record, the two ways a type travels: a type implementing <see cref="IRecord{TSelf}"/> (Tick,
/// with its span fast path on decode) and an application's <c>[MessagePackObject]</c> type with the
/// same eight fields, through MessagePack-CSharp's formatter with untrusted-data limits. Both go
/// through the same codec lookup the publisher and the subscriber use.
/// </summary>
public class RecordKindBenchmarks
{
    private const int Records = 1024;
    private readonly ReusableBufferWriter _buffer = new(Records * 96);
    private readonly RecordFormat<Tick> _tickFormat = RecordCodec<Tick>.Format;
    private readonly RecordFormat<Quote> _quoteFormat = RecordCodec<Quote>.Format;
    private Tick[] _ticks = [];
    private Quote[] _quotes = [];
    private byte[] _encodedTicks = [];
    private byte[] _encodedQuotes = [];

    [GlobalSetup]
    public void Setup()
    {
        _ticks = SampleTicks.Create(Records);
        _quotes = [.. _ticks.Select(t => new Quote { ExchangeTimeNs = t.ExchangeTimeNs, Price = t.Price, Bid = t.Bid, Ask = t.Ask, Size = t.Size, PriceScale = t.PriceScale, SizeScale = t.SizeScale, Flags = (byte)t.Flags })];
        EncodeTick();
        _encodedTicks = _buffer.WrittenMemory.ToArray();
        EncodeMessagePackObject();
        _encodedQuotes = _buffer.WrittenMemory.ToArray();
    }

    [Benchmark(OperationsPerInvoke = Records)]
    public int EncodeTick() => Encode(_tickFormat, _ticks);

    [Benchmark(OperationsPerInvoke = Records)]
    public int EncodeMessagePackObject() => Encode(_quoteFormat, _quotes);

    [Benchmark(OperationsPerInvoke = Records)]
    public long DecodeTick()
    {
        long sum = 0;
        int offset = 0;
        for (int i = 0; i < Records; i++)
        {
            sum += Decode(_tickFormat, _encodedTicks, ref offset).Price;
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Records)]
    public long DecodeMessagePackObject()
    {
        long sum = 0;
        int offset = 0;
        for (int i = 0; i < Records; i++)
        {
            sum += Decode(_quoteFormat, _encodedQuotes, ref offset).Price;
        }

        return sum;
    }

    // As RecordEnumerator decodes: the type's fast path, else the codec.
    private static T Decode<T>(RecordFormat<T> format, byte[] encoded, ref int offset)
    {
        if (format.TryRead(encoded, ref offset, out var fast))
        {
            return fast;
        }

        var reader = new MessagePackReader(encoded.AsMemory(offset));
        var record = format.Read(ref reader);
        offset += (int)reader.Consumed;
        return record;
    }

    private int Encode<T>(RecordFormat<T> format, T[] records)
    {
        _buffer.Reset();
        var writer = new MessagePackWriter(_buffer);
        foreach (ref readonly var record in records.AsSpan())
        {
            format.Write(ref writer, in record);
        }

        writer.Flush();
        return _buffer.WrittenMemory.Length;
    }

    /// <summary>What an application would write for a quote: MessagePack attributes only.</summary>
    [MessagePackObject]
    public struct Quote
    {
        [Key(0)]
        public long ExchangeTimeNs { get; set; }

        [Key(1)]
        public long Price { get; set; }

        [Key(2)]
        public long Bid { get; set; }

        [Key(3)]
        public long Ask { get; set; }

        [Key(4)]
        public long Size { get; set; }

        [Key(5)]
        public byte PriceScale { get; set; }

        [Key(6)]
        public byte SizeScale { get; set; }

        [Key(7)]
        public byte Flags { get; set; }
    }
}
