using MessagePack;

namespace Telemetry;

/// <summary>
/// A market-data tick. Prices are exact decimals: mantissas scaled by <see cref="PriceScale"/>
/// (shared by price, bid and ask, as an instrument's tick size is), size by <see cref="SizeScale"/>.
/// Wire form: <c>[exchange_ts_ns, price, bid, ask, size, price_scale, size_scale, flags]</c>.
/// </summary>
/// <param name="ExchangeTimeNs">Exchange timestamp, Unix time in nanoseconds.</param>
/// <param name="Price">Last price mantissa.</param>
/// <param name="Bid">Best bid mantissa.</param>
/// <param name="Ask">Best ask mantissa.</param>
/// <param name="Size">Size mantissa.</param>
/// <param name="PriceScale">Decimal places of <paramref name="Price"/>, <paramref name="Bid"/> and <paramref name="Ask"/>.</param>
/// <param name="SizeScale">Decimal places of <paramref name="Size"/>.</param>
/// <param name="Flags">Tick flags.</param>
public readonly record struct Tick(
    long ExchangeTimeNs,
    long Price,
    long Bid,
    long Ask,
    long Size,
    byte PriceScale,
    byte SizeScale,
    TickFlags Flags) : IRecord<Tick>
{
    private const int FieldCount = 8;

    /// <inheritdoc />
    public static string Kind => "tick";

    /// <summary>The last price as a decimal.</summary>
    public decimal PriceValue => Decimal64.ToDecimal(Price, PriceScale);

    /// <summary>The bid as a decimal.</summary>
    public decimal BidValue => Decimal64.ToDecimal(Bid, PriceScale);

    /// <summary>The ask as a decimal.</summary>
    public decimal AskValue => Decimal64.ToDecimal(Ask, PriceScale);

    /// <summary>The size as a decimal.</summary>
    public decimal SizeValue => Decimal64.ToDecimal(Size, SizeScale);

    /// <summary>Builds a tick from decimals, choosing the smallest scales that represent them exactly.</summary>
    public static Tick FromDecimal(long exchangeTimeNs, decimal price, decimal bid, decimal ask, decimal size, TickFlags flags)
    {
        byte priceScale = Math.Max(Decimal64.ScaleOf(price), Math.Max(Decimal64.ScaleOf(bid), Decimal64.ScaleOf(ask)));
        byte sizeScale = Decimal64.ScaleOf(size);
        return new Tick(
            exchangeTimeNs,
            Decimal64.ToMantissa(price, priceScale),
            Decimal64.ToMantissa(bid, priceScale),
            Decimal64.ToMantissa(ask, priceScale),
            Decimal64.ToMantissa(size, sizeScale),
            priceScale,
            sizeScale,
            flags);
    }

    /// <inheritdoc />
    public static void Write(ref MessagePackWriter writer, in Tick record)
    {
        // Same bytes as the writer's own Write calls would produce, in one span (TickWire).
        writer.Advance(TickWire.Write(writer.GetSpan(TickWire.MaxSize), record));
    }

    /// <summary>The decode fast path: a tick written by <see cref="Write"/> is read straight from the span.</summary>
    public static bool TryRead(ReadOnlySpan<byte> records, ref int offset, out Tick record) => TickWire.TryRead(records, ref offset, out record);

    /// <inheritdoc />
    public static Tick Read(ref MessagePackReader reader)
    {
        int count = reader.ReadArrayHeader();
        if (count < FieldCount)
        {
            throw new MessagePackSerializationException($"A tick has {FieldCount} fields, got {count}.");
        }

        var tick = new Tick(
            reader.ReadInt64(),
            reader.ReadInt64(),
            reader.ReadInt64(),
            reader.ReadInt64(),
            reader.ReadInt64(),
            ReadScale(ref reader),
            ReadScale(ref reader),
            (TickFlags)reader.ReadUInt32());

        // Fields appended by a later minor revision are skipped, not rejected.
        for (int i = FieldCount; i < count; i++)
        {
            Wire.BoundedSkip.Skip(ref reader);
        }

        return tick;
    }

    private static byte ReadScale(ref MessagePackReader reader)
    {
        byte scale = reader.ReadByte();
        return scale > Decimal64.MaxScale
            ? throw new MessagePackSerializationException($"Scale {scale} exceeds {Decimal64.MaxScale}.")
            : scale;
    }
}
